import { Hono } from 'hono';
import { docsPage, openApiDocument, type Operation } from '../openapi.ts';

const version = '0.1.0';

/** `/openapi.json` and `/docs`, from the operations every route file exports. */
export function docsRoutes(operations: readonly Operation[]) {
  const all: Operation[] = [
    ...operations,
    { method: 'get', path: '/openapi.json', tag: 'Service', summary: 'This API as an OpenAPI 3.1 document' },
    { method: 'get', path: '/docs', tag: 'Service', summary: 'This API as a page', produces: ['text/html'] },
  ];
  const doc = openApiDocument(all, version);
  const page = docsPage(doc);
  return new Hono().get('/openapi.json', (c) => c.json(doc)).get('/docs', (c) => c.html(page));
}
