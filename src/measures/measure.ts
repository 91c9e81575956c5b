/** The shape of one measure of the catalogue (METRICS.md §5, §7), apart from the catalogue's data. */
import { z } from 'zod';
import { dayKeySchema } from '../calendar/dates.ts';
import { directions } from './status.ts';

export const units = ['percent', 'minutes', 'seconds', 'count', 'score', 'currency', 'days'] as const;
export const frequencies = ['monthly', 'quarterly', 'six-monthly', 'annual'] as const;
export type Frequency = (typeof frequencies)[number];

/** Which computed figure a measure reads (the report model supplies each one per month). */
export const figureNames = [
  'sla.incident.attainment',
  'sla.service_request.attainment',
  'sla.all.resolved_on_time',
  'sla.satisfaction.mean',
  'availability.all',
  'calls.answer_rate',
  'calls.avg_wait_minutes',
  'calls.aht_seconds',
  'calls.per_day',
  'calls.abandon_rate',
  'calls.max_daily_abandon_rate',
  'calls.max_answer_wait_minutes',
  'calls.emails_per_day',
  // Casework within timescale (METRICS.md §6): met ÷ (met + late) of one kind in the month.
  'casework.complaint-stage-1.within',
  'casework.foi.within',
  'casework.sar.within',
  'casework.member-enquiry.within',
] as const;
export type FigureName = (typeof figureNames)[number];

const day = dayKeySchema;

/**
 * One measure of the catalogue (METRICS.md §5, §7). Percent targets and values are fractions 0–1.
 * With a `figure` the value is computed from stored data; without one it is supplied per period
 * (`attain ingest measures`, `POST /api/v1/measures/{code}/values`).
 */
export const measureSchema = z.object({
  code: z.string().regex(/^[A-Z0-9-]+$/, 'upper-case letters, digits and hyphens'),
  title: z.string().min(1),
  unit: z.enum(units),
  direction: z.enum(directions),
  /** Effective-dated targets; an empty list or a null target means "data only". */
  targets: z.array(z.object({ effectiveFrom: day, target: z.number().nullable() })).default([]),
  /** Amber band as a fraction of the target (default 5%). */
  tolerance: z.number().min(0).max(1).default(0.05),
  frequency: z.enum(frequencies).default('monthly'),
  /** What the per-period benchmark values are (e.g. "LGBF family group"); the values are supplied. */
  benchmark: z.string().optional(),
  figure: z.enum(figureNames).optional(),
  /** The report's measure table groups by this. */
  category: z.string().min(1).default('Other'),
  /** ISO 4217 code of a `currency` measure. */
  currency: z.string().length(3).optional(),
});
export type Measure = z.infer<typeof measureSchema>;
export type MeasureInput = z.input<typeof measureSchema>;
