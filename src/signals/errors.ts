/**
 * Typed errors of the Signals client. Each names the call that failed (`METHOD path`), the HTTP status when
 * there was one, and the API's own message. Messages are built from redacted text only: they never contain
 * an API key, key id, sandbox token or access token, and no request headers are attached to the error.
 */

export interface SignalsErrorDetails {
  /** `METHOD path`, e.g. `PUT registry/attribute_groups/g/versions/1/batch_source`. */
  call: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** The API's message (FastAPI `detail`, flattened), when the server sent one. */
  apiMessage?: string;
  /** How many attempts were made (retries included). */
  attempts: number;
}

export class SignalsError extends Error {
  readonly call: string;
  readonly status?: number;
  readonly apiMessage?: string;
  readonly attempts: number;

  constructor(message: string, details: SignalsErrorDetails) {
    super(message);
    // each subclass is named after itself (SignalsNetworkError, ...)
    this.name = new.target.name;
    this.call = details.call;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.attempts = details.attempts;
  }
}

/** The API answered with a non-success status. */
export class SignalsHttpError extends SignalsError {
  constructor(message: string, details: SignalsErrorDetails & { status: number }) {
    super(message, details);
  }
}

/** No answer: connection refused/reset, DNS failure. */
export class SignalsNetworkError extends SignalsError {}

/** No answer within the configured timeout. */
export class SignalsTimeoutError extends SignalsNetworkError {}

/** Credentials were refused (token exchange failed, or the API answered 401/403 after a token refresh). */
export class SignalsAuthError extends SignalsError {}

/**
 * Materialization stopped halfway: the batch source was registered but publishing failed. The message
 * says what Signals holds now and how to finish; `cause` is the publish failure.
 */
export class SignalsMaterializeError extends SignalsError {
  /** Whether the group was published when the error was built (undefined when it could not be read). */
  readonly published?: boolean;

  constructor(
    message: string,
    override readonly cause: SignalsError,
    published?: boolean,
  ) {
    super(message, { call: cause.call, status: cause.status, apiMessage: cause.apiMessage, attempts: cause.attempts });
    this.published = published;
  }
}

/** Bad input caught before any call was made (e.g. an invalid batch source body). */
export class SignalsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignalsInputError';
  }
}

const MAX_API_MESSAGE_LENGTH = 500;

/**
 * Extracts a readable message from an error body: FastAPI `detail` (string, or list of `{loc, msg}`),
 * `message`, `error`, or the raw text, shortened.
 */
export function apiMessageFromBody(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') return shorten(body.trim());
  if (typeof body !== 'object') return shorten(String(body));
  const record = body as Record<string, unknown>;
  const detail = record.detail;
  if (typeof detail === 'string') return shorten(detail);
  if (Array.isArray(detail)) {
    const parts = detail.map((item) => {
      if (item && typeof item === 'object') {
        const { loc, msg } = item as { loc?: unknown; msg?: unknown };
        const where = Array.isArray(loc) ? loc.map(String).join('.') : undefined;
        return where ? `${where}: ${String(msg)}` : String(msg);
      }
      return String(item);
    });
    return shorten(parts.join('; '));
  }
  for (const key of ['message', 'error', 'status']) {
    if (typeof record[key] === 'string') return shorten(record[key] as string);
  }
  return shorten(JSON.stringify(body));
}

function shorten(text: string): string {
  return text.length > MAX_API_MESSAGE_LENGTH ? `${text.slice(0, MAX_API_MESSAGE_LENGTH)}...` : text;
}

/** Redaction of credentials (every echo form: case, percent-encoding, base64); see `src/redact.ts`. */
export { redact } from '../redact';
