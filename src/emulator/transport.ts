/**
 * The emulator's HTTP layer (node:http on loopback): request-target checks, body limits, JSON parsing
 * and status codes, so the handlers above it only ever see a well-formed request.
 *
 * - The path is routed exactly as received, never normalized: a dot segment (`/api/v1/../x`, also
 *   percent-encoded) is refused with 400, so no path can reach another route by traversal, and a
 *   malformed %-escape is a 400, not a crash.
 * - A body over the limit is read to its end and discarded, then answered 413 (the client sees the
 *   answer, not a reset connection), unless it goes on far past the limit.
 * - JSON nested deeper than MAX_JSON_DEPTH is refused with 400 before it is parsed; malformed JSON is a
 *   422 as FastAPI answers it.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { Reply, reply, unprocessable } from './replies';

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Past this many bytes beyond the limit, a client still sending is cut off. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;
/** Far deeper than any API body (a group is about 8 levels deep). */
export const MAX_JSON_DEPTH = 64;

export interface IncomingApiRequest {
  method: string;
  /** The path exactly as received (still percent-encoded). */
  path: string;
  query: URLSearchParams;
  header(name: string): string | undefined;
  /** The JSON body (undefined when empty), or the reply for a body that cannot be used (413, 400, 422). */
  readJson(): Promise<{ ok: true; body: unknown } | { ok: false; reply: Reply }>;
  /** Holds the request `ms` milliseconds; false when the client left meanwhile or the server closed. */
  hold(ms: number): Promise<boolean>;
}

/** Answers a request; undefined when there is nobody left to answer. */
export type RequestHandler = (request: IncomingApiRequest) => Promise<Reply | undefined>;

export interface ReplyRecord {
  method: string;
  /** Path and query string as received. */
  path: string;
  /** 0 when the client left before an answer. */
  status: number;
}

export interface HttpTransportOptions {
  host: string;
  port: number;
  handler: RequestHandler;
  onReply(record: ReplyRecord): void;
  log(line: string): void;
}

export interface HttpTransport {
  url: string;
  close(): Promise<void>;
}

type Target = { ok: true; path: string; query: string } | { ok: false; message: string };

/** Splits and checks a request target; the path is returned as received. */
export function parseTarget(raw: string): Target {
  if (!raw.startsWith('/')) return { ok: false, message: 'The request target must be an absolute path' };
  const queryAt = raw.indexOf('?');
  const path = queryAt < 0 ? raw : raw.slice(0, queryAt);
  const query = queryAt < 0 ? '' : raw.slice(queryAt + 1);
  for (const segment of path.split('/')) {
    const decoded = safeDecode(segment);
    if (decoded === undefined) return { ok: false, message: `Malformed percent-encoding in the request path segment "${segment}"` };
    if (decoded === '.' || decoded === '..') return { ok: false, message: 'Dot segments (. and ..) are not allowed in the request path' };
  }
  return { ok: true, path, query };
}

/** decodeURIComponent that answers undefined for a malformed escape instead of throwing. */
export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** True when brackets and braces outside strings nest deeper than `max` (a linear scan). */
export function nestsDeeperThan(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < json.length; index += 1) {
    const char = json.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/** Starts the HTTP server; resolves once it listens. */
export async function listen(options: HttpTransportOptions): Promise<HttpTransport> {
  const sockets = new Set<Socket>();
  const holds = new Set<() => void>();

  const respond = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = req.url ?? '/';
    const send = (answer: Reply | undefined) => {
      if (!answer || res.destroyed || res.writableEnded) {
        options.onReply({ method, path: raw, status: 0 });
        return;
      }
      const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        ...answer.headers,
      });
      res.end(payload);
      options.onReply({ method, path: raw, status: answer.status });
    };

    const target = parseTarget(raw);
    if (!target.ok) {
      await discardBody(req);
      send(reply(400, target.message));
      return;
    }
    let bodyRead: Promise<{ ok: true; body: unknown } | { ok: false; reply: Reply }> | undefined;
    const request: IncomingApiRequest = {
      method,
      path: target.path,
      query: new URLSearchParams(target.query),
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value[0] : value;
      },
      readJson: () => (bodyRead ??= readJson(req)),
      hold: (ms) =>
        new Promise<boolean>((done) => {
          const finish = (open: boolean) => {
            clearTimeout(timer);
            holds.delete(release);
            res.off('close', onClose);
            done(open && !res.destroyed);
          };
          const release = () => finish(false);
          const onClose = () => finish(false);
          const timer = setTimeout(() => finish(true), ms);
          holds.add(release);
          res.on('close', onClose);
        }),
    };
    const answer = await options.handler(request);
    // Whatever the handler did not read is still on the wire; read it so the answer is not a reset.
    if (!bodyRead) await discardBody(req);
    send(answer);
  };

  const server: Server = createServer((req, res) => {
    respond(req, res).catch((error: unknown) => {
      options.log(`emulator error: ${(error as Error).message}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Internal Server Error' }));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const release of [...holds]) release();
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Reads the whole body; only the first MAX_BODY_BYTES are kept. */
function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  return new Promise((resolveBody, rejectBody) => {
    if (req.destroyed && !req.complete) {
      rejectBody(new Error('the client closed the connection while sending the body'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_BODY_BYTES + MAX_DISCARDED_BYTES) req.destroy();
    });
    req.on('end', () => resolveBody({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES }));
    req.on('error', rejectBody);
    req.on('close', () => {
      if (!req.complete) rejectBody(new Error('the client closed the connection while sending the body'));
    });
  });
}

async function discardBody(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return;
  await readBody(req).catch(() => undefined);
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; reply: Reply }> {
  let body: { text: string; tooLarge: boolean };
  try {
    body = await readBody(req);
  } catch (error) {
    return { ok: false, reply: reply(400, `Incomplete request body: ${(error as Error).message}`) };
  }
  const { text, tooLarge } = body;
  if (tooLarge) return { ok: false, reply: reply(413, `Request body too large (limit ${MAX_BODY_BYTES} bytes)`) };
  if (text.trim() === '') return { ok: true, body: undefined };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, reply: reply(400, `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`) };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      reply: unprocessable([{ loc: ['body', 0], msg: `JSON decode error: ${(error as Error).message}`, type: 'json_invalid' }]),
    };
  }
}
