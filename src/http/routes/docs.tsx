import { z } from '@hono/zod-openapi';
import { addDays, localDayKey } from '../../calendar/zone.ts';
import { slaRules } from '../../sla/rules.ts';
import type { AppDeps } from '../context.ts';
import { apiRoute, json, router, text, type OpenApiDocument } from '../openapi.ts';
import { Layout } from '../pages/layout.tsx';

const documentRoute = apiRoute({
  method: 'get',
  path: '/openapi.json',
  tags: ['Service'],
  summary: 'This API as an OpenAPI 3.1 document',
  responses: { 200: json(z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }).openapi('OpenApiDocument'), 'The OpenAPI document') },
});
const pageRoute = apiRoute({
  method: 'get',
  path: '/docs',
  tags: ['Service'],
  summary: 'This API as a page',
  responses: { 200: text('The operations, their parameters, answers and roles', 'text/html') },
  errorsAs: 'html',
});

type Operation = {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: { type?: string; enum?: string[] } }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
  'x-required-role'?: string | null;
};

/** One operation as a table row: method, path, what it does, its inputs, its answers, its role. */
function OperationRow(props: { method: string; path: string; op: Operation }) {
  const { op } = props;
  const params = op.parameters ?? [];
  const body = Object.keys(op.requestBody?.content ?? {});
  return (
    <tr id={`${props.method}-${props.path}`}>
      <td>
        <strong>{props.method.toUpperCase()}</strong>
      </td>
      <td>
        <code>{props.path}</code>
      </td>
      <td>{op.summary ?? ''}</td>
      <td>
        {params.map((p) => (
          <>
            <code>{p.name}</code>
            {p.required ? '*' : ''} <small>{p.schema?.enum ? p.schema.enum.join(' | ') : (p.schema?.type ?? '')}</small>
            <br />
          </>
        ))}
        {body.length ? <small>body: {body.join(', ')}</small> : ''}
      </td>
      <td>
        {Object.entries(op.responses).map(([status, r]) => (
          <>
            <span title={r.description}>{status}</span> <small>{Object.keys(r.content ?? {}).join(', ')}</small>
            <br />
          </>
        ))}
      </td>
      <td>{op['x-required-role'] ?? 'none'}</td>
    </tr>
  );
}

/** The document as a page in the site's layout (the machines have no CDN: no Swagger UI). */
function DocsPage(props: { doc: OpenApiDocument; reportMonth: string }) {
  const rows = Object.entries(props.doc.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Operation>).map(([method, op]) => <OperationRow method={method} path={path} op={op} />),
  );
  return (
    <Layout title="API" reportMonth={props.reportMonth}>
      <h1>attain API</h1>
      <p>
        Send an API key as <code>Authorization: Bearer &lt;key&gt;</code>. Errors are <code>{'{ "error": { "code", "message", "details" } }'}</code> with a 4xx
        status (the schema <code>Error</code>). The machine-readable document is <a href="/openapi.json">/openapi.json</a>.
      </p>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Path</th>
              <th scope="col">What</th>
              <th scope="col">Parameters (* required)</th>
              <th scope="col">Answers</th>
              <th scope="col">Role</th>
            </tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
      </div>
    </Layout>
  );
}

/** `/openapi.json` and `/docs`, from the document the app generates from its routes. */
export function docsRoutes(deps: AppDeps, document: () => OpenApiDocument) {
  const zone = slaRules(deps.config).zone;
  const reportMonth = () => addDays(`${localDayKey(zone, deps.now().getTime()).slice(0, 7)}-01`, -1).slice(0, 7);
  return router()
    .openapi(documentRoute, (c) => c.json(document() as never, 200))
    .openapi(pageRoute, (c) => c.html(`<!doctype html>${String(<DocsPage doc={document()} reportMonth={reportMonth()} />)}`));
}
