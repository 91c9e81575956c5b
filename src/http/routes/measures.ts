import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { MeasureInputError, measureValuesBetween, putMeasureCommentary, supplyMeasureValues } from '../../services/measures.ts';
import { commentaryHistory } from '../../store/measures.ts';
import { withMeasureFlags } from '../../services/quality.ts';
import type { AppDeps } from '../app.ts';
import type { Operation } from '../openapi.ts';
import { ApiError, parseJsonBody as parseBody, parseQuery } from '../errors.ts';
import { audit } from '../audit.ts';
import { actorOf } from '../session.ts';
import { jsonBodyLimit, nameParam, noteParam } from '../params.ts';

const periodOrDay = z.string().regex(/^\d{4}(-(\d{2}|Q[1-4]|H[12])(-\d{2})?)?$/, 'expected a period (YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY) or a day YYYY-MM-DD');
const valuesQuery = z.object({ from: periodOrDay.optional(), to: periodOrDay.optional() });

const amount = z.union([z.number(), z.string()]).nullable().optional();
const valueItem = z.object({ period: nameParam(40), value: amount, numerator: amount, denominator: amount, benchmark: amount, note: noteParam(2000).nullable().optional() }).strict();
const valuesBody = z.union([valueItem, z.array(valueItem).min(1).max(1000), z.object({ values: z.array(valueItem).min(1).max(1000) }).strict()]);
const commentaryBody = z
  .object({ commentary: noteParam(5000).transform((t) => t.trim()).pipe(z.string().min(1, 'commentary is empty')), correctiveAction: noteParam(5000).nullable().optional() })
  .strict();

export const measuresOperations: Operation[] = [
  { method: 'get', path: '/api/v1/measures', tag: 'Measures', summary: 'The measure catalogue: code, title, category, unit, direction, frequency, targets, computed or supplied' },
  { method: 'get', path: '/api/v1/measures/:code/values', tag: 'Measures', summary: "A measure's supplied values from ?from to ?to, with target, status, benchmark and both directions of travel", query: valuesQuery },
  { method: 'post', path: '/api/v1/measures/:code/values', tag: 'Measures', summary: 'Supply values of a measure: { period, value | numerator + denominator, benchmark?, note? }, a list of them, or { values: [...] }', body: valuesBody },
  { method: 'get', path: '/api/v1/measures/:code/commentary/:period', tag: 'Measures', summary: "Every edit of a measure's commentary for a period, newest first" },
  { method: 'put', path: '/api/v1/measures/:code/commentary/:period', tag: 'Measures', summary: 'Set the commentary and corrective action of a measure for a period (each edit kept, with who and when)', body: commentaryBody },
];

/** Path parameters: a measure code and a period, as names (no control characters, bounded). */
const codePath = z.object({ code: nameParam(40) });
const commentaryPath = z.object({ code: nameParam(40), period: nameParam(40) });

/** The service's errors as API errors. */
function mapped<T>(f: () => Promise<T>): Promise<T> {
  return f().catch((e: unknown) => {
    if (e instanceof MeasureInputError) throw new ApiError(e.status === 'not_found' ? 'not_found' : 'invalid_body', e.message, { field: e.field });
    throw e;
  });
}

/** Who made a change: the API key's name, or `anonymous` where keys are off. */
/** Who wrote it, as the edit history shows it: the signed-in person or the key's name. */
const who = (c: Context) => {
  const a = actorOf(c);
  return a.kind === 'none' ? 'anonymous' : a.name;
};

/** Measures from any source (METRICS.md §7): supplied values, their directions of travel, commentary. */
export function measuresRoutes(deps: AppDeps) {
  const limit = jsonBodyLimit();
  return new Hono()
    .use('/api/v1/measures/*', limit)
    .get('/api/v1/measures', (c) =>
      c.json({
        measures: deps.config.measures.map((m) => ({
          code: m.code, title: m.title, category: m.category, unit: m.unit, direction: m.direction, frequency: m.frequency,
          targets: m.targets, tolerance: m.tolerance, source: m.figure ? 'computed' : 'supplied', figure: m.figure ?? null, benchmark: m.benchmark ?? null,
        })),
      }),
    )
    .get('/api/v1/measures/:code/values', async (c) => {
      const p = parseQuery(codePath, c.req.param());
      const q = parseQuery(valuesQuery, c.req.query());
      return c.json(await withMeasureFlags(deps, await mapped(() => measureValuesBetween(deps.db, deps.config, p.code, q.from, q.to))));
    })
    .post('/api/v1/measures/:code/values', async (c) => {
      const p = parseQuery(codePath, c.req.param());
      const body = await parseBody(c, valuesBody);
      const items = Array.isArray(body) ? body : 'values' in body ? body.values : [body];
      const counts = await mapped(() => supplyMeasureValues(deps.db, deps.config, p.code, items, who(c)));
      await audit(c, deps, { action: 'measure.values', target: `measure:${p.code.toUpperCase()}`, details: { values: items.length } });
      return c.json({ code: p.code.toUpperCase(), ...counts });
    })
    .get('/api/v1/measures/:code/commentary/:period', async (c) => {
      const p = parseQuery(commentaryPath, c.req.param());
      const rows = await commentaryHistory(deps.db, p.code.toUpperCase(), p.period);
      return c.json({ code: p.code.toUpperCase(), period: p.period, history: rows.map((r) => ({ commentary: r.commentary, correctiveAction: r.correctiveAction, author: r.author, at: r.at.toISOString() })) });
    })
    .put('/api/v1/measures/:code/commentary/:period', async (c) => {
      const p = parseQuery(commentaryPath, c.req.param());
      const body = await parseBody(c, commentaryBody);
      const saved = await mapped(() => putMeasureCommentary(deps.db, deps.config, p.code, p.period, body, who(c), deps.now()));
      await audit(c, deps, { action: 'commentary.update', target: `measure:${p.code.toUpperCase()}/${p.period}`, details: body });
      return c.json(saved);
    });
}
