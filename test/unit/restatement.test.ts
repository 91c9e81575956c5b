import { describe, expect, it } from 'vitest';
import { defaultMeasures } from '../../src/measures/catalogue.ts';
import { figuresOf, reasonsFor, restate, type Figure, type RestatementEvidence } from '../../src/reports/restatement.ts';

const fig = (value: number | null, area: Figure['area'], label = 'x'): Figure => ({ value, label, area });
const nothing: RestatementEvidence = { records: {}, policyChanged: [] };

describe('restate (issued figures against a recomputation)', () => {
  const issued = { 'measure.SD-INC-SLA': 1 / 3, 'tickets.incident.received': 4, 'calls.offered': 5, 'availability.all': null, 'measure.OLD': 0.5 };
  const now = {
    // 1 met of 3 → 2 met of 4: 1/3 → 0.5.
    'measure.SD-INC-SLA': fig(0.5, 'sla', 'SD-INC-SLA incidents'),
    'tickets.incident.received': fig(5, 'sla', 'incident received'),
    // Unchanged: not a row.
    'calls.offered': fig(5, 'calls'),
    'availability.all': fig(0.99, 'availability'),
    // Added since publishing: not a restatement.
    'measure.NEW': fig(1, 'supplied'),
  };

  it('lists each figure whose value moved, from and to, and leaves out equal and new ones', () => {
    const late: RestatementEvidence = { records: { sla: { late: 1, corrected: 0 } }, policyChanged: [] };
    const rows = restate('2025-11', issued, now, late);
    expect(rows.map((r) => [r.figure, r.from, r.to])).toEqual([
      ['measure.SD-INC-SLA', 1 / 3, 0.5],
      ['tickets.incident.received', 4, 5],
      ['availability.all', null, 0.99],
      // No longer computed (removed from the catalogue): shown as gone.
      ['measure.OLD', 0.5, null],
    ]);
    expect(rows[0]).toMatchObject({ month: '2025-11', label: 'SD-INC-SLA incidents', reasons: [{ reason: 'late tickets', detail: '1 ticket dated in 2025-11 arrived after publishing' }] });
    // Availability had no late or corrected records and no configuration change.
    expect(rows[2]!.reasons).toEqual([{ reason: 'unknown', detail: 'no late or corrected records and no configuration change found' }]);
  });

  it('treats rounding noise as equal (0.1 + 0.2 is 0.30000000000000004)', () => {
    expect(restate('2025-11', { a: 0.1 + 0.2 }, { a: fig(0.3, 'sla') }, nothing)).toEqual([]);
    expect(restate('2025-11', { a: null }, { a: fig(null, 'sla') }, nothing)).toEqual([]);
  });
});

describe('reasonsFor (why a figure of an area changed)', () => {
  it('gives every reason the evidence supports for the figure’s own area, in a fixed order', () => {
    const e: RestatementEvidence = { records: { calls: { late: 2, corrected: 3 }, sla: { late: 0, corrected: 1 } }, policyChanged: ['calls'] };
    expect(reasonsFor('calls', '2025-11', e).map((r) => [r.reason, r.detail])).toEqual([
      ['late tickets', '2 calls and emails dated in 2025-11 arrived after publishing'],
      ['corrected feed', '3 calls and emails of 2025-11 re-ingested with different data after publishing'],
      ['policy change', 'the calls configuration changed after publishing'],
    ]);
    expect(reasonsFor('sla', '2025-11', e)).toEqual([{ reason: 'corrected feed', detail: '1 ticket of 2025-11 re-ingested with different data after publishing' }]);
    // Evidence of another area does not explain this one.
    expect(reasonsFor('casework', '2025-11', e).map((r) => r.reason)).toEqual(['unknown']);
    expect(reasonsFor('sla', '2025-11', { records: {}, policyChanged: ['sla'] })).toEqual([{ reason: 'policy change', detail: 'the SLA policies, calendars or goals changed after publishing' }]);
  });
});

describe('figuresOf (the comparable form of a report)', () => {
  it('keys measures, ticket counts, backlog, calls and availability, each with its area', () => {
    const f = figuresOf(
      {
        month: '2025-11',
        measures: [
          { code: 'SD-INC-SLA', title: 'Incidents in SLA', value: 0.5 },
          { code: 'CC-ANSWERED', title: 'Answered', value: 0.75 },
          { code: 'HR-EXIT', title: 'Exit interviews', value: null },
        ] as never,
        tickets: {
          kinds: ['incident'],
          months: [
            { month: '2025-10', kinds: { incident: { received: 9 } }, all: { received: 9 } },
            { month: '2025-11', kinds: { incident: { received: 4, resolved: 3, met: 1, breached: 2, attainment: 1 / 3 } }, all: { received: 4, resolved: 3, met: 1, breached: 2, attainment: 1 / 3 } },
          ],
        } as never,
        backlog: { asOf: '2025-11-30', total: { total: 4, notActioned: 2 } } as never,
        contactCentre: { all: { offered: 5, answered: 3, abandoned: 1 } } as never,
        availability: { all: { availability: 0.97 } } as never,
      },
      defaultMeasures,
    );
    expect(f['measure.SD-INC-SLA']).toEqual({ value: 0.5, label: 'SD-INC-SLA Incidents in SLA', area: 'sla' });
    expect(f['measure.CC-ANSWERED']!.area).toBe('calls');
    expect(f['measure.HR-EXIT']).toMatchObject({ value: null, area: 'supplied' });
    // Only the month's own column of the trend: October's 9 is not a figure of November.
    expect(f['tickets.incident.received']!.value).toBe(4);
    expect(f['tickets.all.attainment']!.value).toBeCloseTo(1 / 3, 12);
    expect(f['backlog.total']).toMatchObject({ value: 4, area: 'sla' });
    expect(f['calls.abandoned']).toMatchObject({ value: 1, area: 'calls' });
    expect(f['availability.all']).toMatchObject({ value: 0.97, area: 'availability' });
  });
});
