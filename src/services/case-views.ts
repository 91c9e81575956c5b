import type { Db } from '../../db/client.ts';
import { withFlags } from './quality.ts';
import { localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { periodEndDay, periodsBetween, periodStartDay, type Grain, defaultPeriodFrom } from '../sla/periods.ts';
import type { CaseSlice, caseDims, caseMeasures, caseStates } from '../store/cases.ts';
import { caseAttainment, caseDrillDown, caseRulesOf } from './cases.ts';
import { InputError } from './input-error.ts';

/** The casework figures as the API asks for them: query text checked, defaults and ranges applied. */

type CaseSliceQuery = { kind?: string; department?: string };
export type CaseAttainmentRequest = CaseSliceQuery & { from?: string; to?: string; grain: Grain; by: (typeof caseDims)[number][] };
export type CasesRequest = CaseSliceQuery & {
  measure?: (typeof caseMeasures)[number];
  state?: (typeof caseStates)[number];
  from?: string;
  to?: string;
  dueFrom?: string;
  dueTo?: string;
  page: number;
  pageSize: number;
};

function sliceOf(config: AppConfig, q: CaseSliceQuery): CaseSlice {
  const kinds = caseRulesOf(config).kinds;
  if (q.kind && !kinds.includes(q.kind)) throw new InputError('kind', `unknown casework kind "${q.kind}" (expected ${kinds.join(', ')})`);
  return { ...(q.kind ? { kind: q.kind } : {}), ...(q.department ? { department: q.department } : {}) };
}

function rangeOf(q: { from?: string; to?: string }, defaultFrom: string, today: string) {
  const fromDay = periodStartDay(q.from ?? defaultFrom);
  const toDay = periodEndDay(q.to ?? today);
  if (fromDay > toDay) throw new InputError('from', `${q.from} is after to ${q.to ?? toDay}`);
  return { fromDay, toDay };
}

const todayOf = (config: AppConfig, now: Date) => localDayKey(caseRulesOf(config).zone, now.getTime());

/** Casework within timescale per period (default the last 31 days, or 12 months), kind and department. */
export async function caseAttainmentFor(db: Db, config: AppConfig, q: CaseAttainmentRequest, now: Date) {
  const today = todayOf(config, now);
  const defaultFrom = defaultPeriodFrom(q.grain, today);
  const { fromDay, toDay } = rangeOf(q, defaultFrom, today);
  try {
    periodsBetween(q.grain, fromDay, toDay, 1000);
  } catch {
    throw new InputError('to', `a ${q.grain} query covers at most 1000 periods; narrow from/to`);
  }
  const s = sliceOf(config, q);
  const result = await caseAttainment(db, config, { fromDay, toDay, grain: q.grain, slice: s, by: q.by }, now);
  return { grain: q.grain, from: fromDay, to: toDay, slice: s, by: q.by, ...result, rows: await withFlags({ db, config, now: () => now }, 'casework', result.rows, { fromDay, toDay }) };
}

/** The cases behind a casework figure (a measure of a period), or those in a state now; a page of them. */
export async function casesFor(db: Db, config: AppConfig, q: CasesRequest, now: Date) {
  if (q.measure && q.state) throw new InputError('state', 'give a measure (a figure of a period) or a state (now), not both');
  const s = sliceOf(config, q);
  const { fromDay, toDay } = q.measure !== undefined ? rangeOf(q, '1970-01-01', todayOf(config, now)) : { fromDay: undefined, toDay: undefined };
  const result = await caseDrillDown(db, {
    measure: q.measure,
    state: q.state,
    fromDay,
    toDay,
    dueFrom: q.dueFrom,
    dueTo: q.dueTo,
    slice: s,
    now,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return { measure: q.measure ?? null, state: q.state ?? null, from: fromDay ?? null, to: toDay ?? null, slice: s, page: q.page, pageSize: q.pageSize, ...result };
}
