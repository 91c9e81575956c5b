import { userInfo } from 'node:os';
import { DatabaseInUseError } from '../../db/data-lock.ts';
import type { Runtime } from '../runtime.ts';
import { artefacts, auditCommandPublish, PublishError, publishMonth } from '../services/publish.ts';
import { monthPattern } from './monthly.ts';

const usage = 'attain publish MONTH [--republish]';

/**
 * `attain publish MONTH [--republish]`: freezes the month's report and KPI feed (src/services/publish.ts).
 * On the embedded database a running server holds the folder (db/data-lock.ts): the command
 * refuses, as every writing command does, and names the server's admin endpoint to use instead.
 */
export async function publishCommand(open: () => Promise<Runtime>, month: string, options: { republish: boolean }): Promise<void> {
  if (!monthPattern.test(month)) throw new Error(`MONTH: expected YYYY-MM (e.g. 2025-12), got "${month}"; usage: ${usage}`);
  let rt: Runtime;
  try {
    rt = await open();
  } catch (e) {
    if (!(e instanceof DatabaseInUseError)) throw e;
    const base = e.holder.port ? `http://localhost:${e.holder.port}` : 'the running server';
    throw new Error(`${e.message} Or publish through that server with an admin key: curl -X POST -H "Authorization: Bearer <admin key>" ${base}/api/v1/admin/months/${month}/publish${options.republish ? '?force=true' : ''}`);
  }
  try {
    const now = new Date();
    const who = `cli:${userInfo().username}`;
    const result = await publishMonth(rt.handle.db, rt.config, month, now, { by: who, force: options.republish }).catch((e: unknown) => {
      if (e instanceof PublishError) throw new Error(e.message);
      throw e;
    });
    await auditCommandPublish(rt.handle.db, result, who, now);
    process.stdout.write(`${month}: published version ${result.version} at ${result.issuedAt}${result.republished ? ' (republished)' : ''}; KPI feed revision ${result.kpiFeedRevision}\n`);
    for (const name of Object.keys(artefacts) as (keyof typeof artefacts)[]) process.stdout.write(`  ${name}\tsha256 ${result.hashes[name]}\n`);
  } finally {
    await rt.handle.close();
  }
}
