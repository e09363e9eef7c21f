/**
 * The Signals API routes (relative to `/api/v1/`), declared as a table: a path pattern and a handler
 * per method. A known path with another method is 405, an unknown path 404, a POST/PUT without a body
 * 422, and a path parameter is percent-decoded before a handler sees it.
 */
import type { OnlineAttributes } from './onlineAttributes';
import type { Registry } from './registry';
import { Reply, RouteRequest, methodNotAllowed, notFound, unprocessable } from './replies';
import { safeDecode } from './transport';

type RouteHandler = (request: RouteRequest, params: string[]) => Promise<Reply> | Reply;

export interface Route {
  /** Matched against the path below `/api/v1/`; captures are the handler's params. */
  pattern: RegExp;
  handlers: Partial<Record<string, RouteHandler>>;
}

/** `{version}` path parameters are integers, as FastAPI checks them. */
function withVersion(raw: string, next: (version: number) => Reply): Reply {
  if (!/^\d+$/.test(raw)) return unprocessable([{ loc: ['path', 'version'], msg: 'Input should be a valid integer', type: 'int_parsing' }]);
  return next(Number(raw));
}

export function signalsRoutes(registry: Registry, online: OnlineAttributes): Route[] {
  return [
    {
      pattern: /^registry\/attribute_groups\/?$/,
      handlers: { GET: (request) => registry.listGroups(request), POST: (request) => registry.createGroup(request) },
    },
    { pattern: /^registry\/attribute_groups\/([^/]+)\/?$/, handlers: { GET: (_request, [name]) => registry.latestGroup(name) } },
    {
      pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/?$/,
      handlers: { GET: (_request, [name]) => registry.groupVersions(name) },
    },
    {
      pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/([^/]+)\/?$/,
      handlers: {
        GET: (_request, [name, version]) => withVersion(version, (v) => registry.getGroup(name, v)),
        PUT: (request, [name, version]) => withVersion(version, (v) => registry.updateGroup(request, name, v)),
        DELETE: (_request, [name, version]) => withVersion(version, (v) => registry.deleteGroup(name, v)),
      },
    },
    {
      pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/([^/]+)\/batch_source\/?$/,
      handlers: {
        PUT: (request, [name, version]) => withVersion(version, (v) => registry.putBatchSource(request, name, v)),
        DELETE: (_request, [name, version]) => withVersion(version, (v) => registry.deleteBatchSource(name, v)),
      },
    },
    {
      pattern: /^registry\/attribute_keys\/?$/,
      handlers: { GET: () => registry.listKeys(), POST: (request) => registry.createKey(request) },
    },
    {
      pattern: /^registry\/attribute_keys\/([^/]+)\/?$/,
      handlers: {
        GET: (_request, [name]) => registry.getKey(name),
        PUT: (request, [name]) => registry.updateKey(request, name),
        DELETE: (_request, [name]) => registry.deleteKey(name),
      },
    },
    { pattern: /^engines\/publish\/?$/, handlers: { POST: (request) => registry.setPublished(request, true) } },
    { pattern: /^engines\/unpublish\/?$/, handlers: { POST: (request) => registry.setPublished(request, false) } },
    { pattern: /^get-online-attributes\/?$/, handlers: { POST: (request) => online.handle(request) } },
  ];
}

/** The route for a path below `/api/v1/`: its handler and decoded params, or the reply without one. */
export function findRoute(
  routes: Route[],
  method: string,
  relativePath: string,
): { handler: RouteHandler; params: string[] } | { reply: Reply } {
  for (const route of routes) {
    const match = route.pattern.exec(relativePath);
    if (!match) continue;
    const handler = route.handlers[method];
    if (!handler) return { reply: methodNotAllowed() };
    // The transport has already refused malformed escapes.
    return { handler, params: match.slice(1).map((part) => safeDecode(part) ?? part) };
  }
  return { reply: notFound() };
}

/** Runs a found route; POST and PUT need a body. */
export async function runRoute(found: { handler: RouteHandler; params: string[] }, request: RouteRequest): Promise<Reply> {
  if (['POST', 'PUT'].includes(request.method) && request.body === undefined) {
    return unprocessable([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  }
  return found.handler(request, found.params);
}
