import { z } from '@hono/zod-openapi';
import { qualityFlagSchema } from '../../quality/flags.ts';

/**
 * Response schemas several route groups share. Answers are documented as they are built by
 * the services; `looseObject` where a row also carries the slice's dimensions or counts.
 */

/** A status against a target and its tolerance (METRICS.md). */
export const StatusSchema = z.string().openapi('Status', { description: 'green, amber, red, no_data or data_only', example: 'green' });

/** A figure: its ratio, unit, target, direction and status (src/calls/targets.ts). */
export const FigureSchema = z
  .looseObject({
    value: z.number().nullable(),
    numerator: z.number(),
    denominator: z.number(),
    unit: z.enum(['fraction', 'seconds', 'per_day']),
    target: z.number().nullable(),
    direction: z.enum(['up', 'down']),
    status: StatusSchema,
    label: z.string().optional(),
  })
  .openapi('Figure', { example: { value: 0.82, numerator: 82, denominator: 100, unit: 'fraction', target: 0.8, direction: 'up', status: 'green' } });

// `union([..., null])`, not `.nullable()`: the generator writes a nullable reference as
// `allOf: [$ref, { type: [object, null] }]`, which refuses null.
const orNull = <S extends z.ZodType>(schema: S) => z.union([schema, z.null()]);

/** Every call figure of a period (METRICS.md §3), null where it has no meaning for the period. */
export const CallFiguresSchema = z
  .looseObject({
    answerRate: FigureSchema,
    abandonRate: FigureSchema,
    maxDailyAbandonRate: orNull(FigureSchema),
    serviceLevel: FigureSchema,
    asa: FigureSchema,
    avgWait: FigureSchema,
    maxAnswerWait: FigureSchema,
    aht: FigureSchema,
    callsPerDay: orNull(FigureSchema),
    emailsPerDay: orNull(FigureSchema),
  })
  .openapi('CallFigures');

/** Counts of a period's visits (src/calls/kpis.ts CallCounts), with their figures. */
export const CallCountsSchema = z.looseObject({
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  shortAbandoned: z.number().int(),
  waiting: z.number().int(),
  figures: CallFiguresSchema,
});

/** Attainment of a period: met and breached counts, the fraction met, the goal and status. */
export const AttainmentFigureSchema = z.object({
  met: z.number().int(),
  breached: z.number().int(),
  attainment: z.number().nullable(),
  goal: z.number().nullable(),
  status: StatusSchema,
});

/**
 * One data-quality flag on a figure (src/quality/flags.ts; docs/metrics.md 7a). Rebuilt here from
 * its shape: a schema made by plain zod before @hono/zod-openapi was first loaded has no
 * `.openapi` (zod 4 gives each instance its methods when it is made), and which module loads
 * first depends on the entry point.
 */
export const QualityFlagSchema = z.object(qualityFlagSchema.shape).openapi('QualityFlag', {
  example: { code: 'rejected_rows', feed: 'tickets', message: '1 row of the tickets feed for this period was rejected and is not counted.', count: 1 },
});
/** The data-quality flags of a figure: empty when nothing is known to be wrong or missing in its evidence. */
export const FlagsSchema = z.array(QualityFlagSchema);

/** An ingest run (db/schema.ts `ingest_runs`), as the feeds routes answer it. */
export const IngestRunSchema = z
  .object({
    id: z.number().int(),
    feed: z.string(),
    source: z.string(),
    file: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    rowsRead: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    warnings: z.array(z.string()),
    error: z.string().nullable(),
  })
  .openapi('IngestRun');

/** Path parameters of the shape `{ name }` with the shared name rule. */
export const pathOf = <K extends string, S extends z.ZodType>(name: K, schema: S) => z.object({ [name]: schema } as { [P in K]: S });
