import path from 'node:path';
import { computeCalls } from '../../services/compute-calls.ts';
import { callsRules } from '../../calls/rules.ts';
import type { Runtime } from '../../runtime.ts';
import { listRejectedRows } from '../../store/ingest-runs.ts';
import { anonymousBankZone } from './anonymous-bank.ts';
import { callFeedFormats, formatFromName, ingestCallFile, ingestEmailFile, type CallFeedFormat, type CallIngestResult } from './ingest-file.ts';

const option = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/**
 * `attain ingest calls FILE [--format queue_log|csv|anonymous-bank] [--source NAME] [--zone ZONE]`
 * and `attain ingest emails FILE [--source NAME]`: ingest, print counts, warnings and rejected
 * lines, then recompute the call figures of the days the file touched. Throws when the file failed.
 */
export async function ingestCallsCommand(rt: Runtime, feed: 'calls' | 'emails', file: string, args: string[]): Promise<void> {
  const rules = callsRules(rt.config);
  const formatText = option(args, '--format');
  if (formatText !== undefined && !(callFeedFormats as readonly string[]).includes(formatText)) {
    throw new Error(`--format must be one of ${callFeedFormats.join(', ')} (got "${formatText}")`);
  }
  const format = (formatText as CallFeedFormat | undefined) ?? formatFromName(file);
  // The Anonymous Bank export's times are the call centre's in Israel; everything else the calendar's.
  const zone = option(args, '--zone') ?? (format === 'anonymous-bank' && feed === 'calls' ? anonymousBankZone : rules.zone);
  const source = option(args, '--source') ?? (feed === 'emails' ? rules.config.emailSource : format === 'anonymous-bank' ? 'anonymous-bank' : rules.config.source);
  let last = 0;
  const opts = {
    source,
    zone,
    clockSkewSeconds: rules.config.clockSkewSeconds,
    onProgress: (p: { rowsRead: number }) => {
      if (p.rowsRead - last >= 100_000) {
        last = p.rowsRead;
        process.stderr.write(`  ${p.rowsRead.toLocaleString('en-GB')} lines read…\n`);
      }
    },
  };
  const result: CallIngestResult = feed === 'emails' ? await ingestEmailFile(rt.handle.db, path.resolve(file), opts) : await ingestCallFile(rt.handle.db, path.resolve(file), format, opts);
  console.log(
    `${result.file} (${feed === 'emails' ? 'email contacts' : format}, source ${source}, zone ${zone}): ${result.rowsRead} lines read, ${result.inserted} inserted, ${result.updated} updated, ${result.unchanged} unchanged, ${result.rejected} rejected` +
      (feed === 'calls' ? `, ${result.agentEvents} agent events, ${result.stillOpen} still open` : '') +
      ` (ingest run ${result.runId})`,
  );
  for (const w of result.warnings.slice(0, 20)) console.log(`  warning: ${w}`);
  if (result.rejected > 0) {
    const rows = await listRejectedRows(rt.handle.db, result.runId);
    for (const r of rows.slice(0, 10)) console.log(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
    if (rows.length > 10) console.log(`  … ${rows.length - 10} more; every rejected line is kept in rejected_rows (run_id = ${result.runId})`);
  }
  if (result.status === 'failed') throw new Error(`${result.error} (lines before the failure were kept; re-run the file once fixed)`);
  if (zone !== rules.zone) console.log(`  note: periods are local days in ${rules.zone} (calls.calendarId "${rules.calendarId}"); set a calendar in ${zone} to report in that zone`);
  const computed = await computeCalls(rt.handle.db, rules, new Date());
  console.log(`computed: ${computed.callDays.length} call days, ${computed.emailDays.length} email days (${computed.rows} stored figures)`);
}
