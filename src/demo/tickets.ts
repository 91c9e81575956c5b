/**
 * Demo ticket feed: a pure, deterministic generator of a council service desk's ticket export in
 * the generic ticket CSV format (ARCHITECTURE.md "Generic feed files"; METRICS.md §2).
 *
 * Timestamps are naive local UK times `YYYY-MM-DD HH:MM:SS`, as a council's export gives them;
 * the ingest reads them in Europe/London. All date arithmetic is on integer day numbers and
 * local seconds, so no Date object (or time zone) is involved. Openings fall within 07:30–18:30
 * and every later timestamp inside the service desk's opening hours, so none lands in the
 * 01:00–02:59 window of a clock-change Sunday.
 */
import { csvLine, type CsvValue } from '../feeds/csv-line.ts';
import { createRandom, hashSeed, type Random } from './random.ts';
import { DAY, parseDayKey, pad, formatLocal, parseTimeOfDay, OPEN, CLOSE_FRIDAY, openSpan, addBusinessSeconds, addWorkingDays } from './ticket-clock.ts';
import { TEAMS, TEAM_WEIGHTS, PRIORITY_WEIGHTS, P_FORM, TARGET_MINUTES, CHANNELS_IN_HOURS, CHANNELS_OUT_OF_HOURS, OPEN_STATUSES, SATISFACTION, dailyCount, openingSecond, weekOf } from './ticket-shape.ts';
import type { DemoChannel, DemoKind, DemoPriority, DemoTeam, DemoTicket, DemoTicketOptions } from './ticket-types.ts';
import { demoTeams, demoTicketColumns } from './ticket-types.ts';

export * from './ticket-types.ts';
export { demoBusinessMinutesBetween } from './ticket-clock.ts';

// ---------------------------------------------------------------------------------------------
// One ticket, drawn in full before the `now` cut-off is applied (so `now` never shifts the draws).

interface Draft {
  kind: DemoKind;
  priority: DemoPriority;
  priorityText: string;
  vip: boolean;
  vipText: '' | 'yes' | 'no';
  team: DemoTeam;
  channel: DemoChannel;
  category: string;
  opened: number;
  firstResponse: number | null;
  resolved: number;
  closed: number;
  openStatus: string;
  satisfaction: number | null;
}

function draftTicket(opened: number, metShare: (team: DemoTeam, day: number) => number, r: Random): Draft {
  const day = Math.floor(opened / DAY);
  const secondOfDay = opened - day * DAY;
  const span = openSpan(day);
  const inHours = span !== null && secondOfDay >= span[0] && secondOfDay < span[1];

  const kind: DemoKind = r.chance(0.65) ? 'incident' : 'service_request';
  const team = r.weighted(TEAM_WEIGHTS);
  const profile = TEAMS[team];
  const category = r.chance(0.02) ? '' : r.pick(kind === 'incident' ? profile.incident : profile.request);
  const priority = r.weighted(PRIORITY_WEIGHTS[kind]);
  const priorityText = r.chance(0.2) ? P_FORM[priority] : priority;
  const vip = r.chance(0.08);
  const vipText = vip ? 'yes' : r.chance(0.3) ? '' : 'no';
  const channel = r.weighted(inHours ? CHANNELS_IN_HOURS : CHANNELS_OUT_OF_HOURS);

  // First response: business minutes after opening; mostly 5–120, a few late, a few never logged.
  const responseKind = r.weighted([['usual', 92], ['late', 5], ['none', 3]] as const);
  const responseMinutes =
    responseKind === 'usual' ? Math.min(120, Math.max(5, Math.round(r.lognormal(20, 0.8)))) : r.int(121, 480);
  const responseSeconds = responseMinutes * 60 + r.int(0, 59);
  const firstResponse = responseKind === 'none' ? null : addBusinessSeconds(opened, responseSeconds);

  // Resolution: met or breached per the team's share that week, then a duration to match.
  const targets = TARGET_MINUTES[priority];
  const metRoll = r.next();
  const quickFix = r.chance(0.22);
  const u = r.next();
  const overrun = r.exponential(0.6);
  let minutes: number;
  if (targets === null) {
    minutes = Math.max(600, r.lognormal(6500, 0.8));
  } else {
    const target = targets[vip ? 1 : 0];
    if (metRoll < metShare(team, day)) {
      // Comfortably inside the target (≤ 94%), so small differences in calendars cannot flip it.
      minutes = quickFix ? 3 + u * Math.min(42, target * 0.25) : target * (0.04 + 0.9 * u ** 1.6);
    } else {
      minutes = target * (1.04 + overrun) + 1;
    }
  }
  const resolved = addBusinessSeconds(opened, Math.round(minutes * 60) + r.int(0, 59));

  // Closed automatically a few working days after resolution, at the same time of day.
  const closeDay = addWorkingDays(Math.floor(resolved / DAY), r.int(1, 5));
  const closeSpan = openSpan(closeDay) ?? [OPEN, CLOSE_FRIDAY];
  const resolvedSecond = resolved - Math.floor(resolved / DAY) * DAY;
  const closed = closeDay * DAY + Math.min(closeSpan[1], Math.max(closeSpan[0], resolvedSecond));

  const openStatus = r.weighted(OPEN_STATUSES);
  const satisfaction = r.chance(0.15) ? r.weighted(SATISFACTION) : null;

  return {
    kind,
    priority,
    priorityText,
    vip,
    vipText,
    team,
    channel,
    category,
    opened,
    firstResponse: firstResponse === null ? null : Math.min(firstResponse, resolved),
    resolved,
    closed,
    openStatus,
    satisfaction,
  };
}

// ---------------------------------------------------------------------------------------------

/**
 * Demo tickets opened on the `days` local days ending with `today`, in order of opening
 * (ids increase with it). Deterministic: the same options always give the same tickets.
 */
export function* generateDemoTickets(opts: DemoTicketOptions): Generator<DemoTicket> {
  const last = parseDayKey(opts.today);
  const days = opts.days ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new RangeError(`days must be 1–3650, got ${days}`);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const cutoff = last * DAY + parseTimeOfDay(opts.now ?? '23:59:59');

  const ids = createRandom(hashSeed(seed, 0x1d5));
  const counters: Record<DemoKind, number> = { incident: ids.int(12_000, 48_000), service_request: ids.int(5_000, 20_000) };
  const prefix: Record<DemoKind, string> = { incident: 'INC', service_request: 'REQ' };

  const weekly = new Map<string, number>();
  const metShare = (team: DemoTeam, day: number): number => {
    const week = weekOf(day);
    const key = `${team}|${week}`;
    let share = weekly.get(key);
    if (share === undefined) {
      const profile = TEAMS[team];
      const r = createRandom(hashSeed(seed, 0x7ea, demoTeams.indexOf(team), week));
      share = profile.met + 0.015 * r.normal();
      if (profile.volatile && r.chance(0.25)) share -= 0.06 + 0.1 * r.next();
      share = Math.min(0.985, Math.max(0.78, share));
      weekly.set(key, share);
    }
    return share;
  };

  for (let day = last - days + 1; day <= last; day++) {
    const r = createRandom(hashSeed(seed, day));
    const count = dailyCount(day, r);
    const openings = Array.from({ length: count }, () => openingSecond(day, r)).sort((a, b) => a - b);
    const drafts = openings.map((opened) => draftTicket(opened, metShare, r));

    for (const d of drafts) {
      if (d.opened > cutoff) break;
      const id = `${prefix[d.kind]}${pad(counters[d.kind]++, 7)}`;
      const isResolved = d.resolved <= cutoff;
      const firstResponse = d.firstResponse !== null && d.firstResponse <= cutoff ? d.firstResponse : null;
      const isClosed = isResolved && d.closed <= cutoff;
      let status: string;
      if (isClosed) status = 'Closed';
      else if (isResolved) status = 'Resolved';
      else if (firstResponse === null) status = d.openStatus === 'Assigned' ? 'Assigned' : 'New';
      else status = d.openStatus === 'New' ? 'Assigned' : d.openStatus;

      yield {
        id,
        kind: d.kind,
        priority: d.priority,
        priorityText: d.priorityText,
        vip: d.vip,
        vipText: d.vipText,
        team: d.team,
        channel: d.channel,
        category: d.category,
        status,
        openedAt: formatLocal(d.opened),
        firstResponseAt: firstResponse === null ? null : formatLocal(firstResponse),
        resolvedAt: isResolved ? formatLocal(d.resolved) : null,
        closedAt: isClosed ? formatLocal(d.closed) : null,
        satisfaction: isResolved ? d.satisfaction : null,
      };
    }
  }
}

/** A ticket's fields in `demoTicketColumns` order, as written to the feed. */
export function demoTicketRow(t: DemoTicket): CsvValue[] {
  return [
    t.id,
    t.kind,
    t.priorityText,
    t.vipText,
    t.team,
    t.channel,
    t.category,
    t.status,
    t.openedAt,
    t.firstResponseAt,
    t.resolvedAt,
    t.closedAt,
    t.satisfaction,
  ];
}

/** The demo feed as CSV lines: the header, then one line per ticket (each ending in '\n'). */
export function* demoTicketCsvLines(opts: DemoTicketOptions): Generator<string> {
  yield csvLine(demoTicketColumns);
  for (const ticket of generateDemoTickets(opts)) yield csvLine(demoTicketRow(ticket));
}
