/**
 * Every Signals API path this project calls, in one place.
 *
 * Paths marked PUBLISHED are the ones the public Signals Python SDK calls.
 * Paths marked INFERRED are not public: the SDK defines request models for them (or nothing at all) but
 * never calls them. They are what this project tries first, with a published fallback, and what the local
 * emulator serves. `docs/signals.md` lists them too.
 */

const segment = (value: string | number) => encodeURIComponent(String(value));

export const SIGNALS_PATHS = {
  /** Base of every registry/engine call, relative to the API URL. PUBLISHED. */
  apiPrefix: '/api/v1/',
  /** Health of the deployment: `{apiUrl}/health-all`, outside `/api/v1`, no auth. PUBLISHED. */
  health: '/health-all',
  /** Console token exchange for BDP auth (on the console host, not the API host). PUBLISHED. */
  consoleToken: (orgId: string) => `/api/msc/v1/organizations/${segment(orgId)}/credentials/v3/token`,

  /** PUBLISHED: list (GET, params `offline`, `property_syntax`) and create (POST). Note the trailing slash. */
  attributeGroups: 'registry/attribute_groups/',
  /** PUBLISHED: the latest version of a group (GET). */
  attributeGroupLatest: (name: string) => `registry/attribute_groups/${segment(name)}`,
  /** PUBLISHED: one version of a group (GET, PUT, DELETE). */
  attributeGroupVersion: (name: string, version: number) => `registry/attribute_groups/${segment(name)}/versions/${segment(version)}`,
  /**
   * PUBLISHED for PUT: register the group's batch source (body with `wh_schema`).
   * INFERRED for DELETE: removing it is not public; when the API answers 404 or 405 to the DELETE the
   * client falls back to re-registering the group without `batch_source`.
   */
  batchSource: (name: string, version: number) => `registry/attribute_groups/${segment(name)}/versions/${segment(version)}/batch_source`,

  /** PUBLISHED: attribute keys (create with POST, update with PUT `.../{name}`). */
  attributeKeys: 'registry/attribute_keys/',
  attributeKey: (name: string) => `registry/attribute_keys/${segment(name)}`,

  /** PUBLISHED: publish groups to the engines, body `{"attribute_groups":[{name, version}]}`. */
  publish: 'engines/publish',
  /**
   * INFERRED: unpublish, body as publish. The SDK defines `UnpublishRequest`/`UnpublishResponse` but never
   * calls an endpoint; `engines/unpublish` is the natural path. On 404/405 the client falls back to the
   * SDK's own unpublish mechanism: re-register the group with `is_published: false`.
   */
  unpublish: 'engines/unpublish',

  /** PUBLISHED: online attribute values, body `{attribute_keys: {key: [ids]}, attributes: [...]}`. */
  onlineAttributes: 'get-online-attributes',
} as const;

/** Statuses meaning "this API has no such route/method", which trigger the inferred-path fallbacks. */
export const ROUTE_MISSING_STATUSES: readonly number[] = [404, 405];
