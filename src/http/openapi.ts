import { z } from 'zod';
import { requiredRole } from './auth.ts';

/** One documented operation: its route schemas are the ones the handler validates with. */
export type Operation = {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Hono style (`/api/v1/outages/:id`); written `{id}` in the document. */
  path: string;
  summary: string;
  tag: string;
  query?: z.ZodType;
  body?: z.ZodType;
  /** A non-JSON request body (a feed file upload). */
  bodyMediaType?: string;
  /** Response media types other than JSON, e.g. text/csv. */
  produces?: string[];
};

const schemaOf = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
    },
  },
};

/** The OpenAPI 3.1 document of the API, built from the operations' zod schemas. */
export function openApiDocument(operations: readonly Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const params: unknown[] = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.query) {
      const js = schemaOf(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(js.properties ?? {})) {
        params.push({ name, in: 'query', required: js.required?.includes(name) ?? false, schema });
      }
    }
    const role = requiredRole(op.method.toUpperCase(), op.path);
    const jsonOk = { description: 'OK', content: Object.fromEntries(['application/json', ...(op.produces ?? [])].map((t) => [t, {}])) };
    const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      parameters: params,
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body) } } } } : {}),
      ...(op.bodyMediaType ? { requestBody: { required: true, content: { [op.bodyMediaType]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
      security: role ? [{ apiKey: [] }] : [],
      'x-required-role': role,
      responses: {
        '200': jsonOk,
        '400': error('Invalid parameter or body; details.field names it'),
        ...(role ? { '401': error('No valid API key'), '403': error(`The key's role is below ${role}`) } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'attain — service-desk and contact-centre metrics', version },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `attain keys create`' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

/** A plain, dependency-free page listing the operations (the machines have no CDN). */
export function docsPage(doc: ReturnType<typeof openApiDocument>): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  const rows = Object.entries(doc.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const o = op as { summary: string; parameters: { name: string; in: string; required: boolean; schema: { type?: string; enum?: string[] } }[]; 'x-required-role': string | null };
        const params = o.parameters
          .map((p) => `<code>${esc(p.name)}</code>${p.required ? '*' : ''} <small>${esc(p.schema.enum ? p.schema.enum.join(' | ') : (p.schema.type ?? ''))}</small>`)
          .join('<br>');
        return `<tr><td><strong>${method.toUpperCase()}</strong></td><td><code>${esc(path)}</code></td><td>${esc(o.summary)}</td><td>${params}</td><td>${esc(o['x-required-role'] ?? 'none')}</td></tr>`;
      }),
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>attain API</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}code{background:#f3f3f3;padding:0 .2rem}</style></head>
<body><h1>attain API</h1><p>Send an API key as <code>Authorization: Bearer &lt;key&gt;</code>. Errors are <code>{ "error": { "code", "message", "details" } }</code> with a 4xx status. The machine-readable document is <a href="/openapi.json">/openapi.json</a>.</p>
<table><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">What</th><th scope="col">Parameters (* required)</th><th scope="col">Role</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
