import { describe, expect, it } from 'vitest';
import { csvLine } from '../../src/feeds/csv-line.ts';
import { createRandom } from '../../src/demo/random.ts';
import {
  demoBusinessMinutesBetween,
  demoTeams,
  demoTicketColumns,
  demoTicketCsvLines,
  generateDemoTickets,
} from '../../src/demo/tickets.ts';

/** Tiny RFC 4180 parser for one record without embedded line breaks (the demo never has any). */
function parseCsvLine(line: string): string[] {
  expect(line.endsWith('\n')).toBe(true);
  const text = line.slice(0, -1);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quote in ${line}`);
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const c = text.indexOf(',', i);
      const end = c < 0 ? text.length : c;
      field = text.slice(i, end);
      if (field.includes('"')) throw new Error(`bare quote in ${line}`);
      i = end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    if (text[i] !== ',') throw new Error(`expected comma at ${i} in ${line}`);
    i++;
  }
}

const TODAY = '2025-11-20';
const OPTS = { today: TODAY, seed: 42 };
const lines = [...demoTicketCsvLines(OPTS)];
const rows = lines.slice(1).map(parseCsvLine);
const col = (name: (typeof demoTicketColumns)[number]): number => demoTicketColumns.indexOf(name);
const values = (name: (typeof demoTicketColumns)[number]): string[] => rows.map((r) => r[col(name)] ?? '');

describe('csvLine', () => {
  it('quotes only when needed and doubles quotes', () => {
    expect(csvLine(['a', 1, true, null, undefined, ''])).toBe('a,1,true,,,\n');
    expect(csvLine(['x,y', 'say "hi"', 'two\nlines'])).toBe('"x,y","say ""hi""","two\nlines"\n');
    expect(parseCsvLine(csvLine(['x,y', 'say "hi"', 'plain']))).toEqual(['x,y', 'say "hi"', 'plain']);
  });
});

describe('random', () => {
  it('is deterministic per seed and within range', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    const r = createRandom(1);
    for (let i = 0; i < 2000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
      expect(r.exponential(10)).toBeGreaterThanOrEqual(0);
      expect(r.lognormal(10, 0.5)).toBeGreaterThan(0);
    }
    expect(r.weighted([['only', 1], ['never', 0]])).toBe('only');
    expect(() => r.pick([])).toThrow();
  });
});

describe('demo ticket feed', () => {
  it('is deterministic: same options give byte-identical output, another seed differs', () => {
    expect([...demoTicketCsvLines(OPTS)].join('')).toBe(lines.join(''));
    expect([...demoTicketCsvLines({ ...OPTS, seed: 43 })].join('')).not.toBe(lines.join(''));
  });

  it('writes the header then 13 parseable columns per row', () => {
    expect(lines[0]).toBe(demoTicketColumns.join(',') + '\n');
    expect(demoTicketColumns).toHaveLength(13);
    for (const row of rows) expect(row).toHaveLength(13);
    // At least one field needs quoting (a category holding a comma) and round-trips.
    expect(values('category')).toContain('Council Tax, Business Rates');
  });

  it('has a plausible number of tickets for 90 days', () => {
    // ~64 working days × 40–70, plus a few at weekends and on bank holidays.
    expect(rows.length).toBeGreaterThan(2800);
    expect(rows.length).toBeLessThan(4600);
    const first = values('opened_at')[0] ?? '';
    expect(first >= '2025-08-23').toBe(true); // 90 days ending 2025-11-20 start on 2025-08-23
  });

  it('has unique ids of the right shape, increasing with opening time', () => {
    const ids = values('id');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^(INC|REQ)\d{7}$/);
    const opened = values('opened_at');
    const lastByPrefix = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      if (i > 0) expect((opened[i] ?? '') >= (opened[i - 1] ?? '')).toBe(true);
      const id = ids[i] ?? '';
      const n = Number(id.slice(3));
      expect(n).toBeGreaterThan(lastByPrefix.get(id.slice(0, 3)) ?? -1);
      lastByPrefix.set(id.slice(0, 3), n);
    }
    for (const [i, kind] of values('kind').entries()) {
      expect(ids[i]?.startsWith(kind === 'incident' ? 'INC' : 'REQ')).toBe(true);
    }
  });

  it('keeps timestamps well formed, ordered, within hours and never after today', () => {
    const stamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    const end = `${TODAY} 23:59:59`;
    for (const row of rows) {
      const [opened, response, resolved, closed] = [
        row[col('opened_at')] ?? '',
        row[col('first_response_at')] ?? '',
        row[col('resolved_at')] ?? '',
        row[col('closed_at')] ?? '',
      ];
      expect(opened).toMatch(stamp);
      for (const t of [opened, response, resolved, closed]) {
        if (t === '') continue;
        expect(t).toMatch(stamp);
        expect(t <= end).toBe(true);
        // Never in the night, so never in a clock change's missing or repeated hour.
        const time = t.slice(11);
        expect(time >= '07:30:00' && time <= '18:30:00').toBe(true);
      }
      if (response) expect(response >= opened).toBe(true);
      if (resolved) {
        expect(resolved >= opened).toBe(true);
        if (response) expect(response <= resolved).toBe(true);
      }
      if (closed) {
        expect(resolved).not.toBe('');
        expect(closed > resolved).toBe(true);
      }
    }
  });

  it('keeps statuses consistent with the timestamps', () => {
    for (const row of rows) {
      const status = row[col('status')];
      const resolved = row[col('resolved_at')];
      const closed = row[col('closed_at')];
      const satisfaction = row[col('satisfaction')] ?? '';
      if (status === 'Closed') expect(closed).not.toBe('');
      else if (status === 'Resolved') expect(resolved !== '' && closed === '').toBe(true);
      else {
        expect(['New', 'Assigned', 'In Progress', 'Awaiting User', 'On hold']).toContain(status);
        expect(resolved).toBe('');
        expect(satisfaction).toBe('');
      }
      if (satisfaction !== '') expect(Number(satisfaction)).toBeGreaterThanOrEqual(1);
      if (satisfaction !== '') expect(Number(satisfaction)).toBeLessThanOrEqual(10);
    }
  });

  it('covers every team, priority form, kind, VIP and open tickets', () => {
    expect(new Set(values('team'))).toEqual(new Set(demoTeams));
    const teamCount = (t: string) => values('team').filter((v) => v === t).length;
    for (const t of demoTeams) {
      if (t !== 'Service desk') expect(teamCount('Service desk')).toBeGreaterThan(teamCount(t));
      if (t !== 'SWIFT Admin') expect(teamCount('SWIFT Admin')).toBeLessThan(teamCount(t));
    }
    const priorities = new Set(values('priority'));
    for (const p of ['critical', 'high', 'normal', 'low', 'long_term', 'P1', 'P2', 'P3', 'P4', 'P5']) {
      expect(priorities).toContain(p);
    }
    expect(new Set(values('kind'))).toEqual(new Set(['incident', 'service_request']));
    expect(new Set(values('vip'))).toEqual(new Set(['yes', 'no', '']));
    const vips = values('vip').filter((v) => v === 'yes').length / rows.length;
    expect(vips).toBeGreaterThan(0.04);
    expect(vips).toBeLessThan(0.12);
    expect(new Set(values('channel'))).toEqual(new Set(['phone', 'email', 'portal', 'walk-in']));
    expect(values('category')).toContain('');
    const open = rows.filter((r) => r[col('resolved_at')] === '');
    expect(open.length).toBeGreaterThan(20);
    const statuses = new Set(values('status'));
    for (const s of ['Resolved', 'Closed', 'In Progress', 'Assigned']) expect(statuses).toContain(s);
  });

  it('resolves roughly 85–97% of targeted tickets within the SLA', () => {
    const targets: Record<string, [number, number]> = {
      critical: [240, 180], P1: [240, 180],
      high: [420, 240], P2: [420, 240],
      normal: [1260, 420], P3: [1260, 420],
      low: [2100, 1260], P4: [2100, 1260],
    };
    let met = 0;
    let total = 0;
    for (const row of rows) {
      const target = targets[row[col('priority')] ?? ''];
      const resolved = row[col('resolved_at')] ?? '';
      if (!target || resolved === '') continue;
      total++;
      const limit = target[row[col('vip')] === 'yes' ? 1 : 0];
      if (demoBusinessMinutesBetween(row[col('opened_at')] ?? '', resolved) <= limit) met++;
    }
    expect(met / total).toBeGreaterThan(0.85);
    expect(met / total).toBeLessThan(0.97);
  });

  it('is mostly on working days with a few at weekends and on bank holidays', () => {
    // 2025-08-25 is the Summer bank holiday.
    const perDay = new Map<string, number>();
    for (const o of values('opened_at')) perDay.set(o.slice(0, 10), (perDay.get(o.slice(0, 10)) ?? 0) + 1);
    expect(perDay.get('2025-08-25') ?? 0).toBeLessThanOrEqual(5);
    expect(perDay.get('2025-11-15') ?? 0).toBeLessThanOrEqual(4); // a Saturday
    const wednesday = perDay.get('2025-11-19') ?? 0;
    expect(wednesday).toBeGreaterThanOrEqual(40);
    expect(wednesday).toBeLessThanOrEqual(70);
  });

  it('cuts the feed off at `now` without changing earlier tickets', () => {
    const cut = [...generateDemoTickets({ ...OPTS, now: '10:00' })];
    const full = [...generateDemoTickets(OPTS)];
    const end = `${TODAY} 10:00:00`;
    for (const t of cut) {
      for (const s of [t.openedAt, t.firstResponseAt, t.resolvedAt, t.closedAt]) {
        if (s !== null) expect(s <= end).toBe(true);
      }
    }
    expect(cut.length).toBeLessThan(full.length);
    const before = full.filter((t) => t.openedAt <= end);
    expect(cut.map((t) => [t.id, t.openedAt, t.team, t.priority])).toEqual(
      before.map((t) => [t.id, t.openedAt, t.team, t.priority]),
    );
  });

  it('rejects bad options', () => {
    expect(() => [...generateDemoTickets({ today: '2025-02-30' })]).toThrow();
    expect(() => [...generateDemoTickets({ today: '20251120' })]).toThrow();
    expect(() => [...generateDemoTickets({ today: TODAY, days: 0 })]).toThrow();
    expect(() => [...generateDemoTickets({ today: TODAY, now: '25:00' })]).toThrow();
  });
});
