/**
 * The monthly KPI feed (METRICS.md §5): built from the monthly report's measure table, kept as
 * revisions (never overwritten), written atomically into the outbox.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { kpiFeedContent, kpiFeedCsv, kpiFeedDocument, type KpiFeedContentRow, type KpiFeedDocument } from '../measures/kpi-feed.ts';
import type { KpiFeedRevision } from '../../db/schema.ts';
import { getKpiRevision, latestKpiRevision, saveKpiRevision } from '../store/kpi-feed.ts';
import { monthlyReport } from './monthly.ts';

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
  const rows = kpiFeedContent(month, report.measures);
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

/** `sha256=<hex HMAC-SHA256 of the body>`: the X-Attain-Signature header a receiver checks. */
export function signatureOf(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
