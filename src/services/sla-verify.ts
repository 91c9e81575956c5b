import type { Runtime } from '../runtime.ts';
import { intervalCountsDifferences } from '../store/call-intervals.ts';
import { notActionedDifferences } from '../store/not-actioned.ts';
import { verifySlaCounts } from './sla-compute.ts';

/**
 * `attain verify`: recounts the attainment counts from the per-ticket SLA state and compares them
 * with the stored ones (issue 12). Prints each day and slice that differs (stored vs recounted)
 * and exits non-zero when any does; the stored counts are not changed.
 */
export async function verifyCommand(rt: Runtime): Promise<void> {
  await verifyCallIntervalCounts(rt);
  await verifyNotActionedCounts(rt);
  const diffs = await verifySlaCounts(rt.handle.db);
  if (diffs.length === 0) {
    console.log('verify: the stored SLA counts equal a recount of ticket_sla');
    return;
  }
  for (const d of diffs) {
    const slice = `${d.day} kind=${d.kind} priority=${d.priority} vip=${d.vip} team=${d.team ?? '(none)'} channel=${d.channel ?? '(none)'}`;
    const moved = Object.keys(d.stored).filter((k) => d.stored[k] !== d.recounted[k]).map((k) => `${k} stored ${d.stored[k]}, recounted ${d.recounted[k]}`);
    console.log(`${slice}: ${moved.join('; ')}`);
  }
  console.error(`verify: ${diffs.length}${diffs.length >= 1000 ? '+' : ''} day(s) and slice(s) differ`);
  process.exitCode = 1;
}

/**
 * The calls part of `attain verify`: recounts the per-interval call counts from call_visits (with
 * the thresholds they were counted with) and prints each interval and queue that differs; sets a
 * non-zero exit status when any does. Returns how many differ.
 */
async function verifyCallIntervalCounts(rt: Runtime): Promise<number> {
  const diffs = await intervalCountsDifferences(rt.handle.db);
  if (diffs.length === 0) {
    console.log('verify: the stored call interval counts equal a recount of call_visits');
    return 0;
  }
  for (const d of diffs) {
    const moved = Object.keys(d.stored).filter((k) => d.stored[k] !== d.recounted[k]).map((k) => `${k} stored ${d.stored[k]}, recounted ${d.recounted[k]}`);
    console.log(`${d.intervalStart} queue=${d.queue}: ${moved.join('; ')}`);
  }
  console.error(`verify: ${diffs.length}${diffs.length >= 1000 ? '+' : ''} call interval(s) and queue(s) differ`);
  process.exitCode = 1;
  return diffs.length;
}

/**
 * The month-end not-actioned part of `attain verify`: recounts each counted zone's changes per month
 * and team from ticket_sla and prints each that differs; sets a non-zero exit status when any does.
 */
async function verifyNotActionedCounts(rt: Runtime): Promise<number> {
  const diffs = await notActionedDifferences(rt.handle.db);
  if (diffs.length === 0) {
    console.log('verify: the stored month-end not-actioned counts equal a recount of ticket_sla');
    return 0;
  }
  for (const d of diffs) console.log(`${d.month} zone=${d.zone} team=${d.team ?? '(none)'}: not actioned stored ${d.stored}, recounted ${d.recounted}`);
  console.error(`verify: ${diffs.length}${diffs.length >= 1000 ? '+' : ''} month(s) and team(s) of not-actioned counts differ`);
  process.exitCode = 1;
  return diffs.length;
}
