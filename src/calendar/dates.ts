/**
 * The accepted calendar dates, once: a real date (no 2025-02-30) by the calendar's own check,
 * and the years the service stores and reports on. Request parameters (src/http/params.ts),
 * feed values (src/feeds/limits.ts) and configuration schemas all take them from here.
 */
import { z } from 'zod';
import { isDayKey } from './zone.ts';

/** Dates outside these years are refused: PostgreSQL has no year 0, and nobody reports on 2200. */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2199;

/** A real local date `YYYY-MM-DD` (configuration, job payloads). */
export const dayKeySchema = z.string().refine(isDayKey, 'expected a real date YYYY-MM-DD');
