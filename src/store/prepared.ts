import type { SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/**
 * `db.execute(query)` as a named prepared statement: the same rows, in the same shape, on both
 * databases. Why: drizzle sends its statements unprepared, and postgres.js sends an unprepared
 * statement that has parameters in two round trips (Parse and Describe first, to learn the
 * parameters' types, then Bind and Execute), every time. Prepared, postgres.js describes it once
 * per pooled connection and afterwards sends Bind and Execute alone: one round trip, no parse. At
 * 3,000,000 tickets a request of the team leader's day runs seven statements, and the round
 * trips, not the statements' execution, were most of its cost (docs/sla-counts.md, fourth pass).
 *
 * Only for request-path reads of a fixed shape: postgres.js keeps every prepared text for the
 * life of the connection, so a statement whose text varies with its data (lists of ids, batches)
 * must not come here. `name` only marks the statement as prepared (postgres.js names its own);
 * PGlite runs it as before.
 */
export function executePrepared(db: Db, name: string, query: SQL): Promise<unknown> {
  return db._.session.prepareQuery(db.execute(query).getQuery(), undefined, name, false).execute();
}
