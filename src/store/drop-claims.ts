import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { dropClaims, type DropClaim } from '../../db/schema.ts';

/** A new attempt at a drop-folder file, held by `owner` (its id names the claim folder). */
export async function claimDropFile(db: Db, c: { feed: string; file: string; owner: string; attempt: number; errors?: string[] }): Promise<number> {
  const [row] = await db
    .insert(dropClaims)
    .values({ feed: c.feed, file: c.file, owner: c.owner, attempt: c.attempt, errors: c.errors ?? [], status: 'claimed' })
    .returning({ id: dropClaims.id });
  return row!.id;
}

/** The rename lost the race (another worker took the file first): the claim never held anything. */
export async function dropLostClaim(db: Db, id: number): Promise<void> {
  await db.delete(dropClaims).where(eq(dropClaims.id, id));
}

export async function beatDropClaim(db: Db, id: number): Promise<void> {
  await db.update(dropClaims).set({ heartbeatAt: sql`now()` }).where(and(eq(dropClaims.id, id), eq(dropClaims.status, 'claimed')));
}

/** Ends an attempt; `error` (an attempt that threw) is kept in the claim's error list for the next one. */
export async function finishDropClaim(db: Db, id: number, status: 'succeeded' | 'failed' | 'duplicate' | 'errored' | 'gave-up', error?: string): Promise<void> {
  await db
    .update(dropClaims)
    .set({
      status,
      finishedAt: sql`now()`,
      ...(error ? { errors: sql`${dropClaims.errors} || jsonb_build_array('attempt ' || ${dropClaims.attempt} || ': ' || ${error}::text)` } : {}),
    })
    .where(eq(dropClaims.id, id));
}

/**
 * Takes over, atomically, the attempts of `feed` that ended without a result: those that threw
 * (`errored`), those marked `interrupted`, and those whose holder stopped beating for
 * `staleSeconds`. Each comes back once, to one caller, as `retried` (try again) or, from its
 * second attempt on, `gave-up` (move the file to failed/), with the reason appended to `errors`.
 */
export async function takeOverDropClaims(db: Db, feed: string, staleSeconds: number): Promise<DropClaim[]> {
  const silent = sql`'attempt ' || ${dropClaims.attempt} || ' by ' || ${dropClaims.owner} || ' stopped without finishing (last heartbeat ' || to_char(${dropClaims.heartbeatAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'`;
  return db
    .update(dropClaims)
    .set({
      status: sql`case when ${dropClaims.attempt} >= 2 then 'gave-up' else 'retried' end`,
      errors: sql`case when ${dropClaims.status} = 'errored' then ${dropClaims.errors} else ${dropClaims.errors} || jsonb_build_array(${silent}) end`,
      finishedAt: sql`coalesce(${dropClaims.finishedAt}, now())`,
    })
    .where(
      and(
        eq(dropClaims.feed, feed),
        or(
          inArray(dropClaims.status, ['errored', 'interrupted']),
          and(eq(dropClaims.status, 'claimed'), sql`${dropClaims.heartbeatAt} <= now() - (${staleSeconds} * interval '1 second')`),
        ),
      ),
    )
    .returning();
}
