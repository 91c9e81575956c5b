import { bodyLimit } from 'hono/body-limit';
import { ApiError, quote } from './errors.ts';
/**
 * The one home of request-parameter rules (issue 17): dates, months, periods, instants, whole
 * numbers and names, as zod schemas every route and page validates with, so that no value the
 * database cannot hold (year 0, an integer past 2^31, a NUL byte) gets past the boundary.
 *
 * Real dates come from the calendar's own check (`parseDayKey`, `parseTimestamp` in
 * src/calendar/zone.ts); this module only adds the accepted year range and the messages.
 */
import { z } from 'zod';
import { parseDayKey, parseTimestamp } from '../calendar/zone.ts';
import { isoWeekLabel, periodStartDay } from '../sla/periods.ts';

export { parseJsonBody, parseQuery } from './errors.ts';

import { YEAR_MAX, YEAR_MIN } from '../calendar/dates.ts';

export { YEAR_MAX, YEAR_MIN };
/** The largest PostgreSQL `integer` (ids, revisions). */
export const INT32_MAX = 2_147_483_647;

const yearRange = `between ${YEAR_MIN} and ${YEAR_MAX}`;
const inRange = (year: number) => year >= YEAR_MIN && year <= YEAR_MAX;

// C0 controls (NUL among them), DEL and C1 controls: PostgreSQL refuses NUL in text, and none
// of them belongs in a name. Free text (`note`) keeps tab and line breaks.
const controlChars = /[\u0000-\u001f\u007f-\u009f]/;
const controlCharsInNote = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textRule(max: number, forbidden: RegExp) {
  return z.string().superRefine((s, ctx) => {
    if (s.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} characters (got ${s.length})` });
    else if (forbidden.test(s)) ctx.addIssue({ code: 'custom', message: `control characters (such as NUL) are not allowed in ${quote(s)}` });
    else if (loneSurrogate.test(s)) ctx.addIssue({ code: 'custom', message: 'not well-formed Unicode (a lone surrogate)' });
  });
}

/** A name or identifier (team, queue, source, ticket id, …): 1–`max` characters, no control characters. */
export const nameParam = (max = 200) => textRule(max, controlChars).pipe(z.string().min(1, 'must not be empty'));
/** Free text (a reason): up to `max` characters; tab and line breaks allowed, other control characters not. */
export const noteParam = (max = 2000) => textRule(max, controlCharsInNote);

/** A real date `YYYY-MM-DD` in the accepted years, or null. */
export function dayInRange(text: string): string | null {
  const parts = parseDayKey(text);
  return parts && inRange(parts[0]) ? text : null;
}

/** A real month `YYYY-MM` in the accepted years, or null. */
export function monthInRange(text: string): string | null {
  return /^\d{4}-\d{2}$/.test(text) && dayInRange(`${text}-01`) ? text : null;
}

/** The year of a period text when the text is a real period of an accepted kind; null when not real. */
function realPeriodYear(s: string, accepts: readonly Kind[]): number | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s) && accepts.includes('day')) return parseDayKey(s)?.[0] ?? null;
  if (/^\d{4}-\d{2}$/.test(s) && accepts.includes('month')) return parseDayKey(`${s}-01`)?.[0] ?? null;
  if (/^\d{4}$/.test(s) && accepts.includes('year')) return Number(s);
  if (/^\d{4}-Q[1-4]$/.test(s) && accepts.includes('quarter')) return Number(s.slice(0, 4));
  const w = /^(\d{4})-W(\d{2})$/.exec(s);
  // A real ISO week is one whose Monday is labelled with it again (no W00; W53 only in long years).
  // (Out-of-range years are answered as such before any week arithmetic.)
  if (w && accepts.includes('week')) return !inRange(Number(w[1])) || isoWeekLabel(periodStartDay(s)) === s ? Number(w[1]) : null;
  return null;
}
type Kind = 'day' | 'month' | 'week' | 'quarter' | 'year';

const periodRule = (accepts: readonly Kind[], expected: string) =>
  z.string().superRefine((s, ctx) => {
    const year = realPeriodYear(s, accepts);
    if (year === null) ctx.addIssue({ code: 'custom', message: `expected a real ${expected}, got ${quote(s)}` });
    else if (!inRange(year)) ctx.addIssue({ code: 'custom', message: `the year must be ${yearRange}, got ${quote(s)}` });
  });

/** `YYYY-MM-DD`. */
export const dayParam = periodRule(['day'], 'date YYYY-MM-DD');
/** `YYYY-MM`. */
export const monthParam = periodRule(['month'], 'month YYYY-MM');
/** `YYYY-MM-DD` or `YYYY-MM` (a day or a whole month). */
export const dayOrMonthParam = periodRule(['day', 'month'], 'date YYYY-MM-DD or month YYYY-MM');
/** A reporting period of any grain: `YYYY-MM-DD`, `YYYY-MM`, `YYYY-Www`, `YYYY-Qn` or `YYYY`. */
export const periodParam = periodRule(['day', 'month', 'week', 'quarter', 'year'], 'period: YYYY-MM-DD, YYYY-MM, YYYY-Www, YYYY-Qn or YYYY');

/** An ISO 8601 timestamp (naive ones are read later in the right zone), its date in the accepted years. */
export const instantParam = z.string().superRefine((s, ctx) => {
  const parsed = parseTimestamp(s, 'UTC');
  const year = Number(s.trim().slice(0, 4));
  if (parsed === null) ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 timestamp, e.g. 2025-03-14T09:30:00Z, got ${quote(s)}` });
  else if (!inRange(year)) ctx.addIssue({ code: 'custom', message: `the year must be ${yearRange}, got ${quote(s)}` });
});

/** A string parameter; a missing required one says so in words. */
const given = () => z.string({ error: (issue) => (issue.input === undefined ? 'missing: a value is required' : 'expected a single text value') });

/** A whole number written in digits (no exponent, hex or blank), within [min, max]. */
export const intParam = (min: number, max: number) =>
  given()
    .regex(/^-?\d{1,16}$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected ${min} or more`).max(max, `expected at most ${max}`));

/** A decimal number written plainly (`12`, `0.85`), within [min, max]; `gt` makes the minimum exclusive. */
export const numberParam = (min: number, max: number, opts: { gt?: boolean; message?: string } = {}) => {
  const range = opts.message ?? `expected a number ${opts.gt ? 'above' : 'from'} ${min} ${opts.gt ? 'and at most' : 'to'} ${max}`;
  return given()
    .regex(/^-?(\d{1,16}(\.\d{0,16})?|\.\d{1,16})$/, range)
    .transform(Number)
    .pipe(opts.gt ? z.number().gt(min, range).max(max, range) : z.number().min(min, range).max(max, range));
};


/** JSON bodies are small (an outage, a few measure values); anything past this is refused (413) before it is read whole. */
export const JSON_BODY_MAX_BYTES = 64 * 1024;

/** hono's body limit with the API's error shape, for every route that takes a JSON body. */
export const jsonBodyLimit = () =>
  bodyLimit({
    maxSize: JSON_BODY_MAX_BYTES,
    onError: () => {
      throw new ApiError('payload_too_large', `body: larger than ${JSON_BODY_MAX_BYTES} bytes`, { field: 'body', limitBytes: JSON_BODY_MAX_BYTES });
    },
  });
