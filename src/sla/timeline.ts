import type { BusinessCalendar } from '../calendar/calendar.ts';
import { evaluateTicket, phasesOf, type SlaResult, type SlaTicket } from './evaluate.ts';
import type { PolicyVersion } from './policy.ts';

export type SegmentKind = 'counted' | 'out_of_hours' | 'paused' | 'resolved' | 'not_counted';

export type TimelineSegment = {
  start: number;
  end: number;
  kind: SegmentKind;
  /** The ticket's status in this segment, as the feed wrote it ('' before the first change). */
  status: string;
  /** Resolution cycle (1 unless the policy is new_cycle and the ticket was reopened). */
  cycle: number;
  /** Business minutes counted in this segment, and on the clock at its end. */
  countedMinutes: number;
  elapsedMinutesAtEnd: number;
};

export type Timeline = { result: SlaResult; segments: TimelineSegment[] };

/**
 * "Why did this breach?" (METRICS.md §2): the ticket's life from opening to its resolution (or
 * `now`) cut into counted, out-of-hours, paused, resolved and not-counted segments (active time
 * after the first resolution under the `first` policy), with the clock at the end of each.
 */
export function explainTicket(t: SlaTicket, policy: PolicyVersion, calendar: BusinessCalendar, now: number): Timeline {
  const result = evaluateTicket(t, policy, calendar, now);
  const phases = phasesOf(t, policy);
  const end = Math.max(now, t.openedAt, phases[phases.length - 1]!.from);
  const segments: TimelineSegment[] = [];
  let cycle = 1;
  let elapsed = 0;
  let resolvedOnce = false;
  for (const p of phases) {
    if (p.state === 'resolved') resolvedOnce = true;
    if (p.state !== 'resolved' && resolvedOnce && policy.reopen === 'new_cycle' && segments.at(-1)?.kind === 'resolved') {
      cycle += 1;
      elapsed = 0;
    }
    const to = Math.min(p.to, end);
    if (to <= p.from && p.to !== Infinity) continue;
    if (p.state !== 'active') {
      segments.push({ start: p.from, end: Math.max(to, p.from), kind: p.state, status: p.status, cycle, countedMinutes: 0, elapsedMinutesAtEnd: elapsed / 60_000 });
      continue;
    }
    const ignored = policy.reopen === 'first' && resolvedOnce;
    for (const s of calendar.segments(p.from, to)) {
      const counted = s.open && !ignored ? s.end - s.start : 0;
      elapsed += counted;
      segments.push({
        start: s.start,
        end: s.end,
        kind: ignored ? 'not_counted' : s.open ? 'counted' : 'out_of_hours',
        status: p.status,
        cycle,
        countedMinutes: counted / 60_000,
        elapsedMinutesAtEnd: elapsed / 60_000,
      });
    }
  }
  return { result, segments };
}
