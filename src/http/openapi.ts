/**
 * The API's OpenAPI 3.1 document is generated from the routes themselves: each route file
 * declares its operations with `apiRoute()` (a `createRoute` of @hono/zod-openapi) and serves
 * them with `router().openapi(route, handler)`, so the schemas the document shows are the ones
 * the requests are validated with, and a route cannot be served undocumented.
 *
 * A new route, in short (see src/http/routes/health.ts, outages.ts for whole examples):
 *
 *   const listQuery = z.object({ system: nameParam().optional() });        // rules from params.ts
 *   const listRoute = apiRoute({
 *     method: 'get', path: '/api/v1/things/{id}', tags: ['Things'], summary: 'One thing',
 *     request: { params: z.object({ id: nameParam() }), query: listQuery },
 *     responses: { 200: json(ThingSchema, 'The thing') },                  // every status it answers
 *   });
 *   export const thingRoutes = (deps: AppDeps) =>
 *     router().openapi(listRoute, async (c) => c.json(await thingFor(deps.db, c.req.valid('param').id, c.req.valid('query')), 200));
 *
 * and `app.route('/', thingRoutes(deps))` in app.ts. Query and path parameters are validated by
 * the route (a failure is the usual 400 naming the field: `validationHook`); JSON bodies are
 * documented with `jsonBody(schema)` and read in the handler with `parseJsonBody` (its 400s and
 * body limit are the API's own). The auth role, 401/403 and the error responses are added here
 * from src/http/auth.ts, never written per route. Non-JSON answers (CSV, HTML, uploads) are
 * documented with their media type (`text()`, `upload()`).
 */
import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import { requiredRole } from './auth.ts';
import type { AppEnv } from './context.ts';
import { errorCodes, firstIssue } from './errors.ts';

/** The one error body of every 4xx and 5xx JSON answer (src/http/errors.ts). */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'What the message is about: `field` names the parameter or body field at fault' }),
      requestId: z.string().optional().openapi({ description: 'The request id (also the X-Request-Id header); the server log line of a 5xx carries it' }),
    }),
  })
  .openapi('Error', { example: { error: { code: 'invalid_parameter', message: 'from: expected a real date YYYY-MM-DD, got "2025-02-30"', details: { field: 'from' } } } });

/**
 * A failed query, path or body validation as the API's 400 naming the field (the same body
 * `parseQuery` and `parseJsonBody` give).
 */
export const validationHook = (result: { success: boolean; target: string; error?: unknown }) => {
  if (result.success) return;
  const body = result.target === 'json' || result.target === 'form';
  throw firstIssue(result.error as z.ZodError, body ? 'invalid_body' : 'invalid_parameter', body ? 'body' : 'query');
};

/** A route group of the app: typed context variables, the API's validation errors. */
export const router = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** A JSON answer with its schema. */
export const json = <S extends z.ZodType>(schema: S, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

/** A non-JSON answer (CSV, HTML, a script) documented by its media types. */
export const text = (description: string, ...mediaTypes: string[]) => ({
  description,
  content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: { type: 'string' as const } }])) as Record<string, { schema: { type: 'string' } }>,
});

/** A JSON request body, documented from its zod schema and read by the handler (`parseJsonBody`). */
export function jsonBody(schema: z.ZodType, description?: string) {
  // A plain JSON Schema, not the zod one: the handler reads the body itself, so that unreadable
  // JSON, a missing content type and the size limit keep the API's own answers.
  const { $schema: _drop, ...doc } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema: doc } } };
}

/** An uploaded file, streamed by the handler. */
export const upload = (description: string, ...mediaTypes: string[]) => ({
  required: true,
  description,
  content: Object.fromEntries(mediaTypes.map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])),
});

/**
 * A response type taken from the service that builds the answer (one source for the type), with
 * `schema` documenting it; test/e2e/openapi.e2e.test.ts checks real answers against the schema.
 */
export const documented = <T>(schema: z.ZodType): z.ZodType<T, T> => schema as unknown as z.ZodType<T, T>;

const errorResponse = (description: string) => json(ErrorSchema, description);
const htmlError = (description: string) => ({ description, content: { 'text/html': { schema: { type: 'string' as const } } } });

type Extra = {
  /** What errors look like: JSON (the API), or HTML (pages and sign-in, read by people). */
  errorsAs?: 'json' | 'html';
  /** Statuses the route answers besides 400 and the auth ones, e.g. 404. */
  errors?: Partial<Record<404 | 409 | 413 | 415, string>>;
};

/**
 * `createRoute` with what every operation shares: the role it needs (src/http/auth.ts; docs/roles.md)
 * as `x-required-role` and `security`, the 401 and 403 of the auth middleware, 400 and 500 in the
 * one error schema. The added responses are documentation only: the route's type keeps its own.
 */
export function apiRoute<P extends string, R extends Omit<RouteConfig, 'path'> & { path: P }>(r: R & Extra) {
  const { errorsAs = 'json', errors = {}, ...route } = r;
  const role = requiredRole(route.method.toUpperCase(), route.path);
  const err = errorsAs === 'html' ? htmlError : errorResponse;
  const extra: Record<string, unknown> = {
    400: err(route.request ? 'Invalid parameter or body; details.field names it' : 'Invalid request'),
    ...Object.fromEntries(Object.entries(errors).map(([status, d]) => [status, err(d)])),
    ...(role ? { 401: errorResponse('No valid API key or session'), 403: errorResponse(`Needs the ${role} role or above`) } : {}),
    500: err('Internal error; the server log has the details'),
  };
  return createRoute({
    ...route,
    security: role ? [{ apiKey: [] }, { session: [] }] : [],
    'x-required-role': role,
    responses: { ...extra, ...route.responses },
  } as unknown as R) as ReturnType<typeof createRoute<P, R>>;
}

/** What the document says beyond the routes: the API, its version and how to authenticate. */
export const documentInfo = (version: string) => ({
  openapi: '3.1.0',
  info: {
    title: 'attain — service-desk and contact-centre metrics',
    version,
    description: 'Send an API key as `Authorization: Bearer <key>` (or sign in: the session cookie). Errors are `{ "error": { "code", "message", "details" } }`.',
  },
});

export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key from `attain keys create`' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'attain_session', description: 'A signed-in session (/auth/sign-in)' });
}

export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/**
 * The app's document, generated from its routes. Every operation lists its parameters, an empty
 * list included, so clients (and the fuzz test) read one shape.
 */
export function generateDocument(app: OpenAPIHono<AppEnv>, version: string): OpenApiDocument {
  const doc = app.getOpenAPI31Document(documentInfo(version));
  for (const methods of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(methods as Record<string, { parameters?: unknown[] }>)) op.parameters ??= [];
  }
  return doc;
}
