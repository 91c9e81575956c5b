import type { Context } from 'hono';
import { tryGetContext } from 'hono/context-storage';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** The one error taxonomy: each code has its HTTP status. */
const statusOf = {
  invalid_parameter: 400,
  invalid_body: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof statusOf;
export const errorCodes = Object.keys(statusOf) as [ErrorCode, ...ErrorCode[]];

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
  get status(): ContentfulStatusCode {
    return statusOf[this.code];
  }
}

/** Every error body stays under this many bytes (issue 17): a message, a field, a few facts. */
export const MAX_ERROR_BYTES = 4096;
const MAX_MESSAGE_CHARS = 1000;
const MAX_DETAIL_TEXT = 300;

/** A value the client sent, quoted for a message: JSON-escaped (NUL shows as \u0000) and cut to `max` characters. */
export function quote(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s);

/**
 * Text that came from a database driver (a refused statement with its parameters) is never
 * shown: it holds SQL and other rows' data. The log keeps it.
 */
export function publicText(text: string): string {
  if (/\b(failed query|insert into|select .+ from|update .+ set|delete from|params:)/i.test(text)) return 'the database refused the data; the server log has the details';
  return text;
}

/** Long texts inside details cut short (nested objects too), so one row cannot blow the body up. */
function clipDetails(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return clip(publicText(value), MAX_DETAIL_TEXT);
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => clipDetails(v, depth + 1));
  if (value && typeof value === 'object' && depth < 3) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipDetails(v, depth + 1)]));
  return value;
}

/** The id of the request being answered (src/http/request-log.ts), read from hono's context storage. */
function currentRequestId(): string | undefined {
  const id = tryGetContext()?.get('requestId' as never) as unknown;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The error body `{ error: { code, message, details?, requestId? } }`, held under
 * {@link MAX_ERROR_BYTES}. `requestId` is the id in the response's `X-Request-Id` and in the log
 * line, so a user's report of an error finds its log line.
 */
export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>, requestId = currentRequestId()) {
  const id = requestId ? { requestId } : {};
  const full = { error: { code, message: clip(publicText(message), MAX_MESSAGE_CHARS), ...(details ? { details } : {}), ...id } };
  if (Buffer.byteLength(JSON.stringify(full)) < MAX_ERROR_BYTES) return full;
  const clipped = { error: { ...full.error, ...(details ? { details: clipDetails(details) as Record<string, unknown> } : {}) } };
  if (Buffer.byteLength(JSON.stringify(clipped)) < MAX_ERROR_BYTES) return clipped;
  // Still too long: keep only the field the message names.
  const field = details && typeof details.field === 'string' ? { field: clip(details.field, 100) } : undefined;
  return { error: { code, message: clip(full.error.message, 500), ...(field ? { details: field } : {}), ...id } };
}

/** An error as status, code and message, whatever threw it (the JSON and the HTML renderers share it). */
export function describeError(err: Error, log: (m: string) => void, where: string): { status: ContentfulStatusCode; code: ErrorCode; message: string; details?: Record<string, unknown> } {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status;
    const code: ErrorCode = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'invalid_body';
    return { status: status as ContentfulStatusCode, code, message: err.message || code };
  }
  log(`${where}: ${err.stack ?? err.message}`);
  return { status: 500, code: 'internal', message: 'internal error; the server log has the details' };
}

/** The one place errors become responses: 4xx with what was wrong, 5xx logged and told nothing. */
export function renderError(err: Error, c: Context, log: (m: string) => void) {
  const e = describeError(err, log, `${c.req.method} ${c.req.path}`);
  return c.json(errorBody(e.code, e.message, e.details), e.status);
}

/** The first problem of a failed zod parse as a 400 naming its field. */
export function firstIssue(error: z.ZodError, code: 'invalid_parameter' | 'invalid_body', fallback: string): ApiError {
  const issue = error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys : undefined;
  const field = keys?.[0] ?? (issue.path.map(String).join('.') || fallback);
  return new ApiError(code, `${field}: ${issue.message}`, { field });
}

/** Validates a query (or path parameters) against a zod schema; the first problem becomes a 400 naming its field. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string | undefined>): z.infer<S> {
  const r = schema.safeParse(query);
  if (r.success) return r.data;
  throw firstIssue(r.error, 'invalid_parameter', 'query');
}

/** A JSON request body validated by zod; unreadable JSON or the first problem becomes a 400 naming its field. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    const raw = await c.req.text();
    json = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new ApiError('invalid_body', 'body: not valid JSON', { field: 'body' });
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  throw firstIssue(r.error, 'invalid_body', 'body');
}
