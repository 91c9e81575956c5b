import type { Db } from '../../../db/client.ts';
import type { NewRejectedRow } from '../../../db/schema.ts';
import { parseTimestamp, zoneOffsetMs } from '../../calendar/zone.ts';
import type { AppConfig } from '../../config/app-config.ts';
import { slaRules } from '../../sla/rules.ts';
import { finishIngestRun, quarantineRows, recordIngestProgress, startIngestRun, type RunProgress } from '../../store/ingest-runs.ts';
import { getFeedCursor, saveFeedCursor } from '../../store/ticket-feeds.ts';
import type { TicketPull } from './feed-config.ts';
import { mappedTicketFeed, mappingNamed } from './mapped-feed.ts';
import type { MappedRow } from './mapping.ts';

export type PullDeps = {
  db: Db;
  config: AppConfig;
  /** Where credentials are read from (process.env in production). */
  env: Record<string, string | undefined>;
  log?: (m: string) => void;
  /** Attempts per page after the first failure (5xx, 429, network), with `retryDelayMs` doubling. */
  retries?: number;
  retryDelayMs?: number;
  /** Stop after this many pages, as a crash between pages would (tests). */
  maxPages?: number;
};

export type PullResult = { name: string; runId: number; pages: number; records: number; inserted: number; updated: number; rejected: number; cursor: Record<string, unknown>; done: boolean };

type Page = { records: Record<string, string>[]; next: Record<string, unknown>; last: boolean; url: string };

class PullHttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function authHeader(pull: TicketPull, env: PullDeps['env']): string {
  const { token, user, password } = pull.env;
  if (token && env[token]) return `Bearer ${env[token]}`;
  if (user && password && env[user] && env[password]) return `Basic ${Buffer.from(`${env[user]}:${env[password]}`).toString('base64')}`;
  const names = [token, user, password].filter(Boolean).join(', ');
  throw new Error(`pull ${pull.name}: no credentials: set ${names || 'env.token or env.user and env.password in the pull configuration'} in the environment`);
}

async function getJson(url: string, auth: string, deps: PullDeps, timeoutMs: number): Promise<unknown> {
  const retries = deps.retries ?? 3;
  let delay = deps.retryDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      // The whole exchange, body included, within the pull's timeout (AbortSignal.timeout).
      const signal = AbortSignal.timeout(timeoutMs);
      let res: Response;
      try {
        res = await fetch(url, { headers: { authorization: auth, accept: 'application/json' }, signal });
        if (res.ok) return await res.json();
      } catch (e) {
        if (signal.aborted) throw new Error(`no answer from ${new URL(url).host}${new URL(url).pathname} within ${timeoutMs} ms (pull timeoutMs)`);
        throw e;
      }
      const body = (await res.text()).slice(0, 200);
      const err = new PullHttpError(res.status, `HTTP ${res.status} from ${new URL(url).pathname}: ${body}`);
      if (res.status !== 429 && res.status < 500) throw err;
      if (attempt >= retries) throw err;
      deps.log?.(`${err.message}; retrying`);
    } catch (e) {
      if (e instanceof PullHttpError && e.status !== 429 && e.status < 500) throw e;
      if (attempt >= retries) throw e;
      deps.log?.(`${(e as Error).message}; retrying in ${delay} ms`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay *= 2;
  }
}

/** ServiceNow with sysparm_display_value=all: each field `{ display_value, value }` → `f` and `f.value`. */
function flattenServiceNow(rec: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (v !== null && typeof v === 'object' && 'value' in v) {
      const o = v as { value: unknown; display_value?: unknown };
      out[k] = String(o.display_value ?? o.value ?? '');
      out[`${k}.value`] = String(o.value ?? '');
    } else out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** Jira issue → flat values: `key`, and each field as its name / value / joined names. */
function flattenJira(issue: { key: string; id?: string; fields?: Record<string, unknown> }): Record<string, string> {
  const out: Record<string, string> = { key: issue.key, id: String(issue.id ?? '') };
  const text = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (Array.isArray(v)) return v.map(text).filter((s) => s !== '').join(', ');
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      return text(o.name ?? o.value ?? o.displayName ?? o.key ?? '');
    }
    return String(v);
  };
  for (const [k, v] of Object.entries(issue.fields ?? {})) out[k] = text(v);
  return out;
}

const SN_FIELDS = 'number,sys_id,sys_updated_on,sys_mod_count,opened_at,resolved_at,closed_at,priority,state,assignment_group,contact_type,category,caller_id.vip';

/**
 * ServiceNow Table API: records with `sys_updated_on >= since`, ordered by update time then
 * sys_id, paged with sysparm_offset. The cursor is (since, offset): offset counts the records
 * at exactly `since` already taken, so a page ending inside a run of equal update times resumes
 * after them, and the next pull starts at the last update time seen.
 */
async function serviceNowPage(pull: TicketPull, cursor: { since: string; offset: number }, auth: string, deps: PullDeps): Promise<Page> {
  const q = new URLSearchParams({
    sysparm_query: `sys_updated_on>=${cursor.since}^ORDERBYsys_updated_on^ORDERBYsys_id`,
    sysparm_display_value: 'all',
    sysparm_exclude_reference_link: 'true',
    sysparm_fields: SN_FIELDS,
    sysparm_limit: String(pull.pageSize),
    sysparm_offset: String(cursor.offset),
  });
  const url = `${pull.baseUrl.replace(/\/$/, '')}/api/now/table/${pull.table}?${q}`;
  const body = (await getJson(url, auth, deps, pull.timeoutMs)) as { result?: Record<string, unknown>[] };
  if (!Array.isArray(body.result)) throw new Error(`pull ${pull.name}: the response has no "result" array`);
  const records = body.result.map(flattenServiceNow);
  let { since, offset } = cursor;
  for (const r of records) {
    const at = r['sys_updated_on.value'] ?? '';
    if (at === since) offset += 1;
    else {
      since = at;
      offset = 1;
    }
  }
  return { records, next: { since, offset }, last: records.length < pull.pageSize, url };
}

const pad = (n: number) => String(n).padStart(2, '0');
/** `yyyy-MM-dd HH:mm` of an instant in a zone: JQL's date precision, in the API user's zone. */
function jqlMinute(ms: number, zone: string): string {
  const d = new Date(ms + zoneOffsetMs(zone, ms));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

type JiraCursor = { since: string; token: string | null; maxUpdated: number | null };

/**
 * Jira JQL search (`/rest/api/3/search/jql`): `updated >= since` ordered by update time, paged
 * with nextPageToken. The token is saved after every page so a restart continues the same search;
 * when the search ends, `since` moves to the minute of the latest update seen (JQL compares whole
 * minutes, so the issues of that minute are read again next time and upserted unchanged).
 */
async function jiraPage(pull: TicketPull, cursor: JiraCursor, auth: string, deps: PullDeps): Promise<Page> {
  const jql = `${pull.jql ? `(${pull.jql}) AND ` : ''}updated >= "${cursor.since}" ORDER BY updated ASC, key ASC`;
  const q = new URLSearchParams({ jql, maxResults: String(pull.pageSize), fields: 'issuetype,priority,status,created,updated,resolutiondate,components' });
  if (cursor.token) q.set('nextPageToken', cursor.token);
  const url = `${pull.baseUrl.replace(/\/$/, '')}/rest/api/3/search/jql?${q}`;
  const body = (await getJson(url, auth, deps, pull.timeoutMs)) as { issues?: { key: string; fields?: Record<string, unknown> }[]; nextPageToken?: string | null; isLast?: boolean };
  if (!Array.isArray(body.issues)) throw new Error(`pull ${pull.name}: the response has no "issues" array`);
  const records = body.issues.map(flattenJira);
  let maxUpdated = cursor.maxUpdated;
  for (const r of records) {
    const p = r.updated ? parseTimestamp(r.updated, 'UTC') : null;
    if (p && (maxUpdated === null || p.ms > maxUpdated)) maxUpdated = p.ms;
  }
  const token = body.nextPageToken ?? null;
  const last = body.isLast === true || !token;
  const next: JiraCursor = last
    ? { since: maxUpdated === null ? cursor.since : jqlMinute(maxUpdated, pull.jqlZone), token: null, maxUpdated: null }
    : { since: cursor.since, token, maxUpdated };
  return { records, next, last, url };
}

function initialCursor(pull: TicketPull): Record<string, unknown> {
  const p = parseTimestamp(pull.since, 'UTC');
  const ms = p ? p.ms : 0;
  if (pull.tool === 'jira') return { since: jqlMinute(ms, pull.jqlZone), token: null, maxUpdated: null };
  const d = new Date(ms);
  return { since: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`, offset: 0 };
}

/**
 * Runs one configured pull from its saved cursor to the end of the tool's changes. Each page's
 * tickets, history, rejected records and the cursor after it commit in one transaction, so a
 * pull interrupted between pages resumes exactly after the last committed page: no record is
 * skipped and none is taken twice.
 */
export async function runTicketPull(pull: TicketPull, deps: PullDeps): Promise<PullResult> {
  const auth = authHeader(pull, deps.env);
  const preset = pull.preset ?? (pull.tool === 'jira' ? 'jira-api' : 'servicenow-api');
  const mapping = mappingNamed(deps.config, preset);
  if (!mapping) throw new Error(`pull ${pull.name}: unknown preset "${preset}"`);
  const source = pull.source ?? mapping.source ?? pull.tool;
  const rules = slaRules(deps.config);
  const { feed } = mappedTicketFeed(mapping, { source, zone: rules.zone, kinds: deps.config.kinds });
  const cursorName = `pull:${pull.name}`;
  let cursor = (await getFeedCursor(deps.db, cursorName)) ?? initialCursor(pull);
  const runId = await startIngestRun(deps.db, { feed: 'tickets', source, file: `${pull.tool} pull ${pull.name}` });
  const p: RunProgress = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, warnings: [], touchedDays: [] };
  const days = new Set<string>();
  let pages = 0;
  let done = false;
  try {
    while (!done && (deps.maxPages === undefined || pages < deps.maxPages)) {
      const page = pull.tool === 'jira' ? await jiraPage(pull, cursor as JiraCursor, auth, deps) : await serviceNowPage(pull, cursor as { since: string; offset: number }, auth, deps);
      const items: MappedRow[] = [];
      const rejected: NewRejectedRow[] = [];
      page.records.forEach((values, i) => {
        const r = feed.normalise(values);
        if (r.ok) {
          items.push(r.item);
          for (const d of r.days ?? []) days.add(d);
        } else if (!r.skipped) {
          rejected.push({ runId, file: page.url, line: p.rowsRead + i + 1, field: r.problems[0]?.field ?? null, reason: r.problems.map((x) => `${x.field}: ${x.reason}`).join('; '), raw: JSON.stringify(values) });
        }
      });
      const next = page.next;
      const counts = await deps.db.transaction(async (tx) => {
        const c = await feed.write(tx, runId, items);
        await quarantineRows(tx, rejected);
        await saveFeedCursor(tx, cursorName, next);
        return c;
      });
      cursor = next;
      pages += 1;
      p.rowsRead += page.records.length;
      p.inserted += counts.inserted;
      p.updated += counts.updated;
      p.unchanged += counts.unchanged;
      p.rejected += rejected.length;
      p.touchedDays = [...days].sort();
      await recordIngestProgress(deps.db, runId, p);
      done = page.last;
    }
    await finishIngestRun(deps.db, runId, p);
  } catch (e) {
    await finishIngestRun(deps.db, runId, p, (e as Error).message);
    throw e;
  }
  deps.log?.(`pull ${pull.name}: ${pages} pages, ${p.rowsRead} records, ${p.inserted} inserted, ${p.updated} updated, ${p.rejected} rejected`);
  return { name: pull.name, runId, pages, records: p.rowsRead, inserted: p.inserted, updated: p.updated, rejected: p.rejected, cursor, done };
}
