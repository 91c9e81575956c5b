import type { Context } from 'hono';
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
  payload_too_large: 413,
  unsupported_media_type: 415,
  internal: 500,
} as const satisfies Record<string, ContentfulStatusCode>;
export type ErrorCode = keyof typeof statusOf;

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

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** The one place errors become responses: 4xx with what was wrong, 5xx logged and told nothing. */
export function renderError(err: Error, c: Context, log: (m: string) => void) {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'invalid_body';
    return c.json(errorBody(code, err.message || code), status >= 500 ? 500 : (status as ContentfulStatusCode));
  }
  log(`${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
  return c.json(errorBody('internal', 'internal error; the server log has the details'), 500);
}

/** Validates a query against a zod schema; the first problem becomes a 400 naming its field. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const r = schema.safeParse(query);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'query';
  throw new ApiError('invalid_parameter', `${field}: ${issue.message}`, { field });
}

/** A JSON body validated by zod; the first problem becomes a 400 naming its field. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown;
  try {
    const raw = await c.req.text();
    json = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new ApiError('invalid_body', 'body: not valid JSON', { field: 'body' });
  }
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys : undefined;
  const field = keys?.[0] ?? (issue.path.join('.') || 'body');
  throw new ApiError('invalid_body', `${field}: ${issue.message}`, { field });
}
