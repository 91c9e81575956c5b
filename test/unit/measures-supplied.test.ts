import { describe, expect, it } from 'vitest';
import type { MeasureValueRow } from '../../db/schema.ts';
import { defaultMeasures, measureSchema } from '../../src/measures/catalogue.ts';
import { fitsFrequency, measurePeriodEnd, measurePeriodStart, previousPeriod, reportPeriodFor, yearBefore } from '../../src/measures/periods.ts';
import { parseAmount, suppliedValueNormaliser } from '../../src/measures/supplied.ts';
import { directionOfTravel } from '../../src/measures/travel.ts';
import { channelShift } from '../../src/reports/channel-shift.ts';
import { buildMeasureRows, groupByCategory } from '../../src/reports/measure-table.ts';

describe('measure periods by frequency (METRICS.md §7)', () => {
  it('checks a period against the frequency', () => {
    expect(['2025-11', '2025-Q3', '2025-H1', '2025'].map((p, i) => fitsFrequency(p, (['monthly', 'quarterly', 'six-monthly', 'annual'] as const)[i]!))).toEqual([true, true, true, true]);
    expect(fitsFrequency('2025-Q3', 'monthly')).toBe(false);
    expect(fitsFrequency('2025-13', 'monthly')).toBe(false);
    expect(fitsFrequency('2025-H3', 'six-monthly')).toBe(false);
  });
  it('steps back a period and a year', () => {
    expect(['2025-01', '2025-Q1', '2025-H1', '2025'].map(previousPeriod)).toEqual(['2024-12', '2024-Q4', '2024-H2', '2024']);
    expect(['2025-11', '2025-Q3', '2025-H2', '2025'].map(yearBefore)).toEqual(['2024-11', '2024-Q3', '2024-H2', '2024']);
    expect([measurePeriodStart('2025-H2'), measurePeriodEnd('2025-H2'), measurePeriodEnd('2025-Q3')]).toEqual(['2025-07-01', '2025-12-31', '2025-09-30']);
  });
  it("puts in a month's report the latest period that has ended by the month's end", () => {
    // November 2025: Q4 and H2 and 2025 are not over; Q3, H1 and 2024 are the latest complete.
    expect(['monthly', 'quarterly', 'six-monthly', 'annual'].map((f) => reportPeriodFor(f as never, '2025-11'))).toEqual(['2025-11', '2025-Q3', '2025-H1', '2024']);
    // December closes Q4, H2 and the year.
    expect(['quarterly', 'six-monthly', 'annual'].map((f) => reportPeriodFor(f as never, '2025-12'))).toEqual(['2025-Q4', '2025-H2', '2025']);
  });
});

describe('direction of travel (METRICS.md §7: steady within 1% of the earlier value)', () => {
  it('reads improving and worsening by the direction', () => {
    expect(directionOfTravel(0.9, 0.8, 'up')).toBe('improving');
    expect(directionOfTravel(0.7, 0.8, 'up')).toBe('worsening');
    // Sickness days (lower is better): 8.5 after 9.6 improves.
    expect(directionOfTravel(8.5, 9.6, 'down')).toBe('improving');
    expect(directionOfTravel(10, 9.6, 'down')).toBe('worsening');
  });
  it('is steady within 1% of the earlier value, either side', () => {
    // 1% of 0.80 is 0.008: 0.808 and 0.792 are steady, 0.809 improves.
    expect(directionOfTravel(0.808, 0.8, 'up')).toBe('steady');
    expect(directionOfTravel(0.792, 0.8, 'up')).toBe('steady');
    expect(directionOfTravel(0.809, 0.8, 'up')).toBe('improving');
    expect(directionOfTravel(0, 0, 'up')).toBe('steady');
    expect(directionOfTravel(0.01, 0, 'down')).toBe('worsening');
    expect(directionOfTravel(null, 0.8, 'up')).toBeNull();
  });
});

describe('supplied values', () => {
  const normalise = suppliedValueNormaliser(defaultMeasures);
  it('reads amounts as spreadsheets write them', () => {
    expect([parseAmount('95%'), parseAmount('£12,500.50'), parseAmount('8.7'), parseAmount('1,234')]).toEqual([0.95, 12500.5, 8.7, 1234]);
    expect(parseAmount('n/a')).toBeNaN();
  });
  it('takes a value, or numerator ÷ denominator', () => {
    expect(normalise({ code: 'hr-exit', period: '2025-Q3', value: '', numerator: '19', denominator: '20', note: '' })).toEqual({
      ok: true,
      item: { code: 'HR-EXIT', period: '2025-Q3', value: 0.95, numerator: 19, denominator: 20, benchmark: null, note: null }, // 19 / 20 = 0.95
    });
    expect(normalise({ code: 'HR-SICKNESS', period: '2024', value: '8.7', benchmark: '9.9', note: 'FTE basis' })).toMatchObject({ ok: true, item: { value: 8.7, benchmark: 9.9, note: 'FTE basis' } });
  });
  it('names the field of each problem', () => {
    const problem = (row: Record<string, string>) => {
      const r = normalise(row);
      return r.ok ? null : r.problems.map((p) => p.field);
    };
    expect(problem({ code: 'NOPE', period: '2025-11', value: '1' })).toEqual(['code']);
    expect(problem({ code: 'HR-EXIT', period: '2025-11', value: '0.9' })).toEqual(['period']); // quarterly measure
    expect(problem({ code: 'HR-EXIT', period: '2025-Q3', value: 'lots' })).toEqual(['value']);
    expect(problem({ code: 'HR-EXIT', period: '2025-Q3', value: '95' })).toEqual(['value']); // percent as fraction or 95%
    expect(problem({ code: 'HR-EXIT', period: '2025-Q3', value: '0.5', numerator: '19', denominator: '20' })).toEqual(['value']); // 0.5 ≠ 0.95
    expect(problem({ code: 'HR-EXIT', period: '2025-Q3', numerator: '19' })).toEqual(['denominator']);
    // A computed measure takes a benchmark only.
    expect(problem({ code: 'CC-ANSWERED', period: '2025-11', value: '0.9' })).toEqual(['value']);
    expect(normalise({ code: 'CC-ANSWERED', period: '2025-11', benchmark: '0.85' }).ok).toBe(true);
  });
});

describe('the measure table of a monthly report', () => {
  const row = (code: string, period: string, value: number | null, benchmark: number | null = null): MeasureValueRow => ({
    code, period, value, numerator: null, denominator: null, benchmark, note: null, suppliedBy: 'file', runId: 1, updatedAt: new Date(0),
  });
  const catalogue = [
    measureSchema.parse({ code: 'CC-ANSWERED', title: 'answered', unit: 'percent', direction: 'up', targets: [{ effectiveFrom: '1970-01-01', target: 0.825 }], figure: 'calls.answer_rate', category: 'Contact centre' }),
    measureSchema.parse({ code: 'HR-EXIT', title: 'exit', unit: 'percent', direction: 'up', targets: [{ effectiveFrom: '1970-01-01', target: 0.95 }], frequency: 'quarterly', category: 'People' }),
    measureSchema.parse({ code: 'HR-SICK', title: 'sickness', unit: 'days', direction: 'down', targets: [{ effectiveFrom: '1970-01-01', target: 9 }], frequency: 'annual', category: 'People', benchmark: 'LGBF' }),
    measureSchema.parse({ code: 'ICT-SPEND', title: 'spend', unit: 'currency', currency: 'GBP', direction: 'down', frequency: 'monthly', category: 'Finance' }),
  ];
  const supplied = new Map(
    [row('HR-EXIT', '2025-Q3', 0.9), row('HR-EXIT', '2025-Q2', 0.8), row('HR-EXIT', '2024-Q3', 0.905), row('HR-SICK', '2024', 10.2, 9.6), row('HR-SICK', '2023', 11), row('ICT-SPEND', '2025-11', 120000)].map((r) => [`${r.code}\u0000${r.period}`, r]),
  );
  const computedValues: Record<string, number> = { '2025-11': 0.8, '2025-10': 0.85, '2024-11': 0.7 };
  const rows = buildMeasureRows(catalogue, {
    month: '2025-11',
    computed: (_f, m) => ({ value: computedValues[m] ?? null, numerator: null, denominator: null }),
    supplied,
    commentary: new Map([['HR-EXIT\u00002025-Q3', { id: 1, code: 'HR-EXIT', period: '2025-Q3', commentary: 'Two leavers missed', correctiveAction: 'HR to call leavers', author: 'pat', at: new Date('2025-12-02T09:00:00Z') }]]),
  });
  const by = Object.fromEntries(rows.map((r) => [r.code, r]));

  it('judges computed and supplied measures alike, each in the period its frequency gives', () => {
    // Computed, monthly: 0.80 against 0.825, within 5% (≥ 0.78375): amber. Short: 0.85 → 0.80 worsening; long: 0.70 → 0.80 improving.
    expect(by['CC-ANSWERED']).toMatchObject({ source: 'computed', period: '2025-11', value: 0.8, status: 'amber', shortTerm: { period: '2025-10', earlier: 0.85, travel: 'worsening' }, longTerm: { period: '2024-11', earlier: 0.7, travel: 'improving' } });
    // Supplied, quarterly: Q3 0.90 against 0.95, below 0.9025: red. Short: Q2 0.80 improving; long: Q3 2024 0.905 is within 1% (0.00905) of 0.90: steady.
    expect(by['HR-EXIT']).toMatchObject({ source: 'supplied', period: '2025-Q3', value: 0.9, status: 'red', shortTerm: { travel: 'improving' }, longTerm: { period: '2024-Q3', travel: 'steady' } });
    expect(by['HR-EXIT']!.commentary).toEqual({ text: 'Two leavers missed', correctiveAction: 'HR to call leavers', author: 'pat', at: '2025-12-02T09:00:00.000Z' });
    // Annual, lower is better: 2024 10.2 days against 9, beyond 9 × 1.05 = 9.45: red; 11 → 10.2 improving; benchmark 9.6 (LGBF).
    expect(by['HR-SICK']).toMatchObject({ period: '2024', value: 10.2, status: 'red', shortTerm: { period: '2023', travel: 'improving' }, longTerm: { period: '2023' }, benchmark: { value: 9.6, label: 'LGBF' } });
    // Data only (no target): currency.
    expect(by['ICT-SPEND']).toMatchObject({ value: 120000, status: 'data_only', target: null, shortTerm: { travel: null } });
  });

  it('groups by category in catalogue order', () => {
    expect(groupByCategory(rows).map((g) => [g.category, g.measures.map((m) => m.code)])).toEqual([
      ['Contact centre', ['CC-ANSWERED']],
      ['People', ['HR-EXIT', 'HR-SICK']],
      ['Finance', ['ICT-SPEND']],
    ]);
  });

  it('extends the default catalogue with the published success measures; the casework ones computed', () => {
    const success = defaultMeasures.filter((m) => m.category === 'People' || m.category === 'Casework').map((m) => [m.code, m.unit, m.direction, m.targets[0]!.target, m.frequency, m.figure ?? 'supplied']);
    expect(success).toEqual([
      ['HR-EXIT', 'percent', 'up', 0.95, 'quarterly', 'supplied'],
      ['HR-APPRAISAL', 'percent', 'up', 0.95, 'annual', 'supplied'],
      ['HR-SICKNESS', 'days', 'down', 9, 'annual', 'supplied'],
      ['HR-TRAINING', 'percent', 'up', 0.5, 'quarterly', 'supplied'],
      ['CW-STAGE1', 'percent', 'up', 0.8, 'monthly', 'casework.complaint-stage-1.within'],
      ['CW-FOI', 'percent', 'up', 0.9, 'monthly', 'casework.foi.within'],
      ['CW-SAR', 'percent', 'up', 0.85, 'monthly', 'casework.sar.within'],
      ['CW-MEMBER', 'percent', 'up', 0.85, 'monthly', 'casework.member-enquiry.within'],
    ]);
    // Data-only contact counts the channel-shift section adds.
    expect(defaultMeasures.filter((m) => m.category === 'Channel shift').map((m) => [m.code, m.unit, m.targets.length])).toEqual([['CH-WEB', 'count', 0], ['CH-APP', 'count', 0], ['CH-F2F', 'count', 0]]);
  });
});

describe('channel shift', () => {
  it('counts contacts per channel per month with shares, leaving out months before the first contact', () => {
    const cs = channelShift({
      months: ['2025-09', '2025-10', '2025-11'],
      calls: [{ month: '2025-10', offered: 600 }, { month: '2025-11', offered: 500 }],
      emails: [{ month: '2025-11', received: 200 }],
      // Phone and email tickets are not counted again; Portal → web, Walk-in → face-to-face.
      tickets: [{ month: '2025-11', channel: 'Portal', n: 150 }, { month: '2025-11', channel: 'Phone', n: 90 }, { month: '2025-11', channel: 'Walk-in', n: 20 }],
      supplied: [{ code: 'CH-WEB', period: '2025-11', value: 100 }, { code: 'CH-F2F', period: '2025-11', value: 30 }],
    });
    expect(cs.months.map((m) => m.month)).toEqual(['2025-10', '2025-11']);
    const nov = cs.months[1]!;
    // Telephone 500, email 200, web 150 + 100 = 250, app 0, face-to-face 20 + 30 = 50: total 1000.
    expect(nov.counts).toEqual({ telephone: 500, email: 200, web: 250, app: 0, 'face-to-face': 50 });
    expect(nov.total).toBe(1000);
    expect(nov.shares).toEqual({ telephone: 0.5, email: 0.2, web: 0.25, app: 0, 'face-to-face': 0.05 });
  });
});
