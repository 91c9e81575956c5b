/**
 * The monthly KPI feed (METRICS.md §5): built from the monthly report's measure table, kept as
 * revisions (never overwritten), written atomically into the outbox.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { kpiFeedContent, kpiFeedCsv, kpiFeedDocument, type KpiFeedContentRow, type KpiFeedDocument } from '../measures/kpi-feed.ts';
import type { KpiFeedRevision } from '../../db/schema.ts';
import { getKpiRevision, latestKpiRevision, saveKpiRevision } from '../store/kpi-feed.ts';
import { monthlyReport } from '../services/monthly-report.ts';
import { kpiRowsWithFlags } from './quality-section.tsx';

/** sha256 of the rows' JSON (keys in the fixed order kpiFeedContent writes them). */
export function contentHashOf(rows: readonly KpiFeedContentRow[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

const documentOf = (r: KpiFeedRevision): KpiFeedDocument => kpiFeedDocument(r.month, r.revision, r.generatedAt, r.contentHash, r.rows as KpiFeedContentRow[]);

/**
 * Builds `month`'s feed from the stored figures. Content equal to the latest revision's makes
 * no new revision (`created: false`); different content — late data — makes revision N + 1.
 */
export async function buildKpiFeed(db: Db, config: AppConfig, month: string, now: Date): Promise<{ created: boolean; document: KpiFeedDocument }> {
  const report = await monthlyReport(db, config, month, now);
  const rows = kpiRowsWithFlags(kpiFeedContent(month, report.measures), report.measures);
  const { revision, created } = await saveKpiRevision(db, month, rows, contentHashOf(rows), now);
  return { created, document: documentOf(revision) };
}

/** A stored revision (the latest when `revision` is undefined), or undefined. */
export async function readKpiFeed(db: Db, month: string, revision?: number): Promise<KpiFeedDocument | undefined> {
  const r = revision === undefined ? await latestKpiRevision(db, month) : await getKpiRevision(db, month, revision);
  return r && documentOf(r);
}

/** Writes a file so that a reader never sees it half written: a temporary name in the same folder, then rename. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** `kpi-feed-YYYY-MM-rN.json` and `.csv` in `outboxDir`; returns their paths. */
export async function writeKpiFeedOutbox(outboxDir: string, doc: KpiFeedDocument): Promise<string[]> {
  const base = path.join(outboxDir, `kpi-feed-${doc.period}-r${doc.revision}`);
  await writeFileAtomic(`${base}.json`, JSON.stringify(doc, null, 2) + '\n');
  await writeFileAtomic(`${base}.csv`, kpiFeedCsv(doc));
  return [`${base}.json`, `${base}.csv`];
}

/**
 * The X-Attain-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
 * timestamp is signed with the body, so a receiver that checks it is recent refuses a replay.
 */
export function signatureOf(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/**
 * The receiver's check (README "Reports and KPI feed"): the header parses, `v1` is the HMAC of
 * `t.body` (compared in constant time) and `t` is within `toleranceSeconds` (default 300) of
 * the receiver's clock, either way.
 */
export function verifySignature(secret: string, header: string, body: string, nowUnixSeconds: number, toleranceSeconds = 300): { ok: true } | { ok: false; reason: string } {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return { ok: false, reason: 'malformed X-Attain-Signature (expected t=<unix seconds>,v1=<hex>)' };
  const t = Number(m[1]);
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  if (!timingSafeEqual(Buffer.from(m[2]!), expected)) return { ok: false, reason: 'signature does not match the body' };
  if (Math.abs(nowUnixSeconds - t) > toleranceSeconds) return { ok: false, reason: `timestamp ${t} is more than ${toleranceSeconds} s from now (${nowUnixSeconds}): a replay or a wrong clock` };
  return { ok: true };
}
