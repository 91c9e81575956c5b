import { describe, expect, it } from 'vitest';
import { isoWeekLabel, periodEndDay, periodOf, periodsBetween, periodStartDay } from '../../src/sla/periods.ts';

describe('reporting periods', () => {
  it('labels ISO weeks as PostgreSQL to_char(IYYY-"W"IW) does', () => {
    // Checked against PostgreSQL 15: to_char(date, 'IYYY-"W"IW').
    expect(isoWeekLabel('2025-12-29')).toBe('2026-W01');
    expect(isoWeekLabel('2021-01-03')).toBe('2020-W53');
    expect(isoWeekLabel('2025-03-05')).toBe('2025-W10');
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01');
    expect(isoWeekLabel('2020-12-31')).toBe('2020-W53');
  });

  it('labels quarters and years', () => {
    expect(periodOf('quarter', '2025-12-29')).toBe('2025-Q4');
    expect(periodOf('quarter', '2021-01-03')).toBe('2021-Q1');
    expect(periodOf('year', '2021-01-03')).toBe('2021');
  });

  it('knows where each period starts and ends', () => {
    expect([periodStartDay('2026-W01'), periodEndDay('2026-W01')]).toEqual(['2025-12-29', '2026-01-04']);
    expect([periodStartDay('2024-02'), periodEndDay('2024-02')]).toEqual(['2024-02-01', '2024-02-29']);
    expect([periodStartDay('2025-Q2'), periodEndDay('2025-Q2')]).toEqual(['2025-04-01', '2025-06-30']);
    expect([periodStartDay('2025'), periodEndDay('2025')]).toEqual(['2025-01-01', '2025-12-31']);
  });

  it('lists every period of a range in order', () => {
    expect(periodsBetween('week', '2025-12-25', '2026-01-06')).toEqual(['2025-W52', '2026-W01', '2026-W02']);
    expect(periodsBetween('quarter', '2025-02-10', '2025-10-01')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4']);
    expect(periodsBetween('day', '2025-03-30', '2025-04-01')).toEqual(['2025-03-30', '2025-03-31', '2025-04-01']);
  });
});
