/** What an emulator route handler receives and answers, and the FastAPI-style bodies it answers with. */
import type { ValidationDetail } from './validation';

/** A request as a route handler sees it: the body already read and parsed. */
export interface RouteRequest {
  method: string;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `{"detail": "..."}`, FastAPI's body for an HTTPException. */
export const detail = (message: string): { detail: string } => ({ detail: message });

export const reply = (status: number, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: detail(message),
  ...(headers ? { headers } : {}),
});

/** HTTP 422 with FastAPI's validation-error body. */
export const unprocessable = (entries: ValidationDetail[]): Reply => ({ status: 422, body: { detail: entries } });

export const methodNotAllowed = (): Reply => reply(405, 'Method Not Allowed');
export const notFound = (): Reply => reply(404, 'Not Found');
