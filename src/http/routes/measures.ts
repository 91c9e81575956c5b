import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MeasureInputError, measureValuesBetween, putMeasureCommentary, supplyMeasureValues } from '../../services/measures.ts';
import { withMeasureFlags } from '../../services/quality.ts';
import { commentaryHistory } from '../../store/measures.ts';
import { audit } from '../audit.ts';
import type { AppDeps } from '../context.ts';
import { ApiError, parseJsonBody as parseBody } from '../errors.ts';
import { apiRoute, documented, json, jsonBody, router } from '../openapi.ts';
import { jsonBodyLimit, nameParam, noteParam } from '../params.ts';
import { actorOf } from '../session.ts';
import { FlagsSchema, StatusSchema } from './schemas.ts';

const periodOrDay = z.string().regex(/^\d{4}(-(\d{2}|Q[1-4]|H[12])(-\d{2})?)?$/, 'expected a period (YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY) or a day YYYY-MM-DD');
const valuesQuery = z.object({ from: periodOrDay.optional().openapi({ example: '2025-04' }), to: periodOrDay.optional() });

const amount = z.union([z.number(), z.string()]).nullable().optional();
const valueItem = z.object({ period: nameParam(40), value: amount, numerator: amount, denominator: amount, benchmark: amount, note: noteParam(2000).nullable().optional() }).strict();
const valuesBody = z.union([valueItem, z.array(valueItem).min(1).max(1000), z.object({ values: z.array(valueItem).min(1).max(1000) }).strict()]);
const commentaryBody = z
  .object({ commentary: noteParam(5000).transform((t) => t.trim()).pipe(z.string().min(1, 'commentary is empty')), correctiveAction: noteParam(5000).nullable().optional() })
  .strict();

/** Path parameters: a measure code and a period, as names (no control characters, bounded). */
const codePath = z.object({ code: nameParam(40).openapi({ example: 'SD01' }) });
const commentaryPath = z.object({ code: nameParam(40).openapi({ example: 'SD01' }), period: nameParam(40).openapi({ example: '2025-11' }) });

const MeasureSchema = z
  .object({
    code: z.string(),
    title: z.string(),
    category: z.string().nullable().optional(),
    unit: z.string(),
    direction: z.string(),
    frequency: z.string(),
    targets: z.unknown(),
    tolerance: z.unknown(),
    source: z.enum(['computed', 'supplied']),
    figure: z.string().nullable(),
    benchmark: z.unknown(),
  })
  .openapi('Measure');
const Edit = z.object({ commentary: z.string(), correctiveAction: z.string().nullable(), author: z.string(), at: z.string() });
const ValuesSchema = z.looseObject({ code: z.string(), values: z.array(z.looseObject({ period: z.string(), value: z.number().nullable(), status: StatusSchema.optional(), flags: FlagsSchema })) }).openapi('MeasureValues');
const SuppliedSchema = z.looseObject({ code: z.string() }).openapi('MeasureValuesSupplied');
const CommentarySchema = z.object({ code: z.string(), period: z.string(), current: Edit, history: z.array(Edit) }).openapi('MeasureCommentary');

const tags = ['Measures'];
const catalogueRoute = apiRoute({ method: 'get', path: '/api/v1/measures', tags, summary: 'The measure catalogue: code, title, category, unit, direction, frequency, targets, computed or supplied', responses: { 200: json(z.object({ measures: z.array(MeasureSchema) })) } });
const valuesRoute = apiRoute({
  method: 'get',
  path: '/api/v1/measures/{code}/values',
  tags,
  summary: "A measure's supplied values from ?from to ?to, with target, status, benchmark and both directions of travel",
  request: { params: codePath, query: valuesQuery },
  responses: { 200: json(documented<Awaited<ReturnType<typeof withMeasureFlags<Awaited<ReturnType<typeof measureValuesBetween>>>>>>(ValuesSchema)) },
  errors: { 404: 'No such measure' },
});
const supplyRoute = apiRoute({
  method: 'post',
  path: '/api/v1/measures/{code}/values',
  tags,
  summary: 'Supply values of a measure: { period, value | numerator + denominator, benchmark?, note? }, a list of them, or { values: [...] }',
  request: { params: codePath, body: jsonBody(valuesBody) },
  responses: { 200: json(documented<{ code: string } & Awaited<ReturnType<typeof supplyMeasureValues>>>(SuppliedSchema)) },
  errors: { 404: 'No such measure', 413: 'Body over the JSON limit' },
});
const historyRoute = apiRoute({
  method: 'get',
  path: '/api/v1/measures/{code}/commentary/{period}',
  tags,
  summary: "Every edit of a measure's commentary for a period, newest first",
  request: { params: commentaryPath },
  responses: { 200: json(z.object({ code: z.string(), period: z.string(), history: z.array(Edit) }).openapi('MeasureCommentaryHistory')) },
});
const putRoute = apiRoute({
  method: 'put',
  path: '/api/v1/measures/{code}/commentary/{period}',
  tags,
  summary: 'Set the commentary and corrective action of a measure for a period (each edit kept, with who and when)',
  request: { params: commentaryPath, body: jsonBody(commentaryBody) },
  responses: { 200: json(CommentarySchema) },
  errors: { 404: 'No such measure', 413: 'Body over the JSON limit' },
});

/** The service's errors as API errors. */
function mapped<T>(f: () => Promise<T>): Promise<T> {
  return f().catch((e: unknown) => {
    if (e instanceof MeasureInputError) throw new ApiError(e.status === 'not_found' ? 'not_found' : 'invalid_body', e.message, { field: e.field });
    throw e;
  });
}

/** Who wrote it, as the edit history shows it: the signed-in person or the key's name. */
const who = (c: Context) => {
  const a = actorOf(c);
  return a.kind === 'none' ? 'anonymous' : a.name;
};

/** Measures from any source (METRICS.md §7): supplied values, their directions of travel, commentary. */
export function measuresRoutes(deps: AppDeps) {
  const app = router();
  app.use('/api/v1/measures/*', jsonBodyLimit());
  return app
    .openapi(catalogueRoute, (c) =>
      c.json(
        {
          measures: deps.config.measures.map((m) => ({
            code: m.code, title: m.title, category: m.category, unit: m.unit, direction: m.direction, frequency: m.frequency,
            targets: m.targets, tolerance: m.tolerance, source: m.figure ? ('computed' as const) : ('supplied' as const), figure: m.figure ?? null, benchmark: m.benchmark ?? null,
          })),
        },
        200,
      ),
    )
    .openapi(valuesRoute, async (c) => {
      const p = c.req.valid('param');
      const q = c.req.valid('query');
      return c.json(await withMeasureFlags(deps, await mapped(() => measureValuesBetween(deps.db, deps.config, p.code, q.from, q.to))), 200);
    })
    .openapi(supplyRoute, async (c) => {
      const p = c.req.valid('param');
      const body = await parseBody(c, valuesBody);
      const items = Array.isArray(body) ? body : 'values' in body ? body.values : [body];
      const counts = await mapped(() => supplyMeasureValues(deps.db, deps.config, p.code, items, who(c)));
      await audit(c, deps, { action: 'measure.values', target: `measure:${p.code.toUpperCase()}`, details: { values: items.length } });
      return c.json({ code: p.code.toUpperCase(), ...counts }, 200);
    })
    .openapi(historyRoute, async (c) => {
      const p = c.req.valid('param');
      const rows = await commentaryHistory(deps.db, p.code.toUpperCase(), p.period);
      return c.json({ code: p.code.toUpperCase(), period: p.period, history: rows.map((r) => ({ commentary: r.commentary, correctiveAction: r.correctiveAction, author: r.author, at: r.at.toISOString() })) }, 200);
    })
    .openapi(putRoute, async (c) => {
      const p = c.req.valid('param');
      const body = await parseBody(c, commentaryBody);
      const saved = await mapped(() => putMeasureCommentary(deps.db, deps.config, p.code, p.period, body, who(c), deps.now()));
      await audit(c, deps, { action: 'commentary.update', target: `measure:${p.code.toUpperCase()}/${p.period}`, details: body });
      return c.json(saved, 200);
    });
}
