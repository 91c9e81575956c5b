import type { Db } from '../../db/client.ts';
import type { IngestRun } from '../../db/schema.ts';
import { callsRules } from '../calls/rules.ts';
import type { AppConfig } from '../config/app-config.ts';
import { anonymousBankZone } from '../feeds/calls/anonymous-bank.ts';
import { formatFromName, ingestCallFile, type callFeedFormats } from '../feeds/calls/ingest-file.ts';
import { caseFeedNames, caseMappingNamed } from '../feeds/cases/ingest-file.ts';
import type { IngestResult } from '../feeds/ingest-csv.ts';
import { ingestOutageFile } from '../feeds/outages/ingest-file.ts';
import { ingestTicketHistoryFile } from '../feeds/tickets/history.ts';
import { feedNames, ingestTicketFeedFile, mappingNamed } from '../feeds/tickets/mapped-feed.ts';
import { zoneOfCalendar } from '../config/calendars.ts';
import { slaRules } from '../sla/rules.ts';
import { syncConfiguredSystems } from '../store/availability.ts';
import { getIngestRun } from '../store/ingest-runs.ts';
import { listRuns, rejectedRowsPage } from '../store/ticket-feeds.ts';
import { ingestCases } from './cases.ts';
import { computeCalls } from './compute-calls.ts';
import { evaluateStaleTickets } from './sla-compute.ts';
import { InputError, quote } from './input-error.ts';

/** Feed files uploaded over HTTP: ingested, then the figures they move recomputed (or queued). */

export type UploadDeps = { db: Db; config: AppConfig; now: () => Date; enqueue?: (job: string, slot: string, payload?: unknown) => Promise<void> };
export type Upload =
  | { feed: 'tickets'; preset: string; source?: string }
  | { feed: 'ticket-history'; source?: string }
  | { feed: 'calls'; format?: (typeof callFeedFormats)[number]; filename?: string; source?: string }
  | { feed: 'outages' }
  | { feed: 'cases'; preset: string; source?: string };

/** Refuses an unknown preset before the file is received. */
export function checkPreset(config: AppConfig, u: Upload): void {
  // Known names only (own properties): `__proto__` or `constructor` must not find an inherited member.
  if (u.feed === 'tickets' && u.preset !== 'generic' && !(feedNames(config).includes(u.preset) && mappingNamed(config, u.preset))) {
    throw new InputError('preset', `unknown preset ${quote(u.preset)} (known: ${feedNames(config).join(', ')})`);
  }
  if (u.feed === 'cases' && !caseMappingNamed(config, u.preset)) {
    throw new InputError('preset', `unknown casework preset "${u.preset}" (known: ${caseFeedNames(config).join(', ')})`);
  }
}

/** The compute after a ticket ingest: queued on the job runner when there is one, else run here. */
async function computeSla(deps: UploadDeps, runId: number) {
  if (deps.enqueue) {
    await deps.enqueue('compute-sla', `compute-sla-after-upload-${runId}`, {});
    return { queued: true };
  }
  const { evaluated, months } = await evaluateStaleTickets(deps.db, deps.config, deps.now());
  return { queued: false, evaluated, months };
}

/** The call figures after a calls upload: queued when there is a runner, else computed here. */
async function computeCallFigures(deps: UploadDeps, runId: number) {
  if (deps.enqueue) {
    await deps.enqueue('compute-calls', `compute-calls-after-upload-${runId}`, {});
    return { queued: true };
  }
  const r = await computeCalls(deps.db, callsRules(deps.config), deps.now());
  return { queued: false, callDays: r.callDays.length, emailDays: r.emailDays.length };
}

type Ingested = IngestResult & { preset?: string; historyRows?: number; historyInserted?: number };

async function ingest(deps: UploadDeps, u: Upload, file: string): Promise<Ingested> {
  const { db, config } = deps;
  switch (u.feed) {
    case 'tickets':
      return ingestTicketFeedFile(db, file, config, { preset: u.preset, source: u.source });
    case 'ticket-history':
      return ingestTicketHistoryFile(db, file, { source: u.source ?? config.ticketSource, zone: slaRules(config).zone });
    case 'calls': {
      const rules = callsRules(config);
      const format = u.format ?? (u.filename ? formatFromName(u.filename) : 'csv');
      const zone = format === 'anonymous-bank' ? anonymousBankZone : rules.zone;
      const source = u.source ?? (format === 'anonymous-bank' ? 'anonymous-bank' : rules.config.source);
      return ingestCallFile(db, file, format, { source, zone, clockSkewSeconds: rules.config.clockSkewSeconds });
    }
    case 'outages':
      await syncConfiguredSystems(db, config.systems);
      return ingestOutageFile(db, file, { zoneOf: (id) => zoneOfCalendar(config, id) });
    case 'cases':
      return ingestCases(db, file, config, { preset: u.preset, source: u.source });
  }
}

/**
 * Ingests a received file and recomputes what it moved: SLA states after tickets, call figures
 * after calls; availability and casework are computed on request, so nothing is queued for them.
 */
export async function ingestUpload(deps: UploadDeps, u: Upload, file: string) {
  const result = await ingest(deps, u, file);
  const run = (await getIngestRun(deps.db, result.runId))!;
  if (result.status === 'failed') return { failed: true as const, error: result.error, run };
  const extra = { ...(result.preset ? { preset: result.preset } : {}), ...(result.historyRows !== undefined ? { historyRows: result.historyRows, historyInserted: result.historyInserted } : {}) };
  const compute = u.feed === 'calls' ? await computeCallFigures(deps, result.runId) : u.feed === 'tickets' || u.feed === 'ticket-history' ? await computeSla(deps, result.runId) : { queued: false };
  return { failed: false as const, run, extra, compute };
}

export function runOut(r: IngestRun) {
  return {
    id: r.id,
    feed: r.feed,
    source: r.source,
    file: r.file,
    status: r.status,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    rowsRead: r.rowsRead,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    warnings: r.warnings,
    error: r.error,
  };
}

/** Ingest runs, newest first, a page at a time (`before` the last id of the previous page). */
export async function runsPage(db: Db, q: { feed?: string; limit: number; before?: number }) {
  const runs = await listRuns(db, q);
  return { runs: runs.map(runOut), next: runs.length === q.limit ? { before: runs[runs.length - 1]!.id } : null };
}

/** A run's rejected rows, a page at a time; null when there is no such run. */
export async function rejectedOf(db: Db, id: number, q: { limit: number; offset: number }) {
  const run = await getIngestRun(db, id);
  if (!run) return null;
  const page = await rejectedRowsPage(db, id, q);
  return { run: runOut(run), total: page.total, limit: q.limit, offset: q.offset, rejected: page.rows };
}
