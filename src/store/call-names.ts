import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { callQueueNames } from '../../db/schema.ts';

/**
 * Keeps the queue and mailbox names of a written batch (issue 12): pages and the report list the
 * queues from this small table instead of a DISTINCT over every call visit. Called by ingest in
 * the batch's transaction; a name already kept is skipped.
 */
export async function rememberCallNames(db: Db, batch: { visits: readonly { queue: string }[]; emails: readonly { mailbox: string }[] }): Promise<void> {
  const rows = [
    ...[...new Set(batch.visits.map((v) => v.queue))].map((name) => ({ kind: 'queue' as const, name })),
    ...[...new Set(batch.emails.map((e) => e.mailbox))].map((name) => ({ kind: 'mailbox' as const, name })),
  ];
  if (rows.length === 0) return;
  await db.insert(callQueueNames).values(rows).onConflictDoNothing();
}

/** The kept names of one kind, sorted. */
export async function callNames(db: Db, kind: 'queue' | 'mailbox'): Promise<string[]> {
  const rows = await db.select({ name: callQueueNames.name }).from(callQueueNames).where(eq(callQueueNames.kind, kind)).orderBy(asc(callQueueNames.name));
  return rows.map((r) => r.name);
}

/** Rebuilds the names from the facts (the migration's backfill, and a repair): not on a request path. */
export async function rebuildCallNames(db: Db): Promise<void> {
  await db.execute(sql`
    insert into call_queue_names (kind, name)
    select distinct 'queue', queue from call_visits union select distinct 'mailbox', mailbox from email_contacts
    on conflict do nothing`);
}
