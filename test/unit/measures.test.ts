import { describe, expect, it } from 'vitest';
import { defaultMeasures, measureSchema, measureStatus, targetOf } from '../../src/measures/catalogue.ts';

describe('measure catalogue (METRICS.md §5)', () => {
  it('holds the published computed measures (13 of METRICS.md §5, 4 of casework §6) with their targets and directions', () => {
    // The supplied success measures are among them too (test/unit/measures-supplied.test.ts).
    expect(defaultMeasures.filter((m) => m.figure).map((m) => m.code)).toEqual([
      'SD-INC-SLA', 'SD-SR-SLA', 'SD-ONTIME', 'SD-CSAT', 'SYS-AVAIL', 'CC-ANSWERED', 'CC-WAIT',
      'CC-AHT', 'CC-DAILY-CALLS', 'CC-ABANDON', 'CC-MAX-ABANDON', 'CC-MAX-ANSWER', 'CC-EMAILS',
      'CW-STAGE1', 'CW-FOI', 'CW-SAR', 'CW-MEMBER',
    ]);
    // Casework goals from the published measures: stage 1 80%, FOI 90%, SAR 85%, member enquiries 85%.
    expect(defaultMeasures.filter((m) => m.code.startsWith('CW-')).map((m) => targetOf(m, '2025-12-01'))).toEqual([0.8, 0.9, 0.85, 0.85]);
    const aht = defaultMeasures.find((m) => m.code === 'CC-AHT')!;
    expect(targetOf(aht, '2025-12-01')).toBe(6 * 60 + 38); // 6 min 38 s = 398 s
    expect(aht.direction).toBe('down');
  });

  it('rates up-measures: green at target, amber within 5% of it, red below', () => {
    // Target 95%: amber down to 0.95 − 0.0475 = 0.9025.
    expect(measureStatus(0.95, 0.95, 'up', 0.05)).toBe('green');
    expect(measureStatus(0.903, 0.95, 'up', 0.05)).toBe('amber');
    expect(measureStatus(0.902, 0.95, 'up', 0.05)).toBe('red');
  });

  it('rates down-measures the other way', () => {
    // Average wait target 6 min: amber up to 6 + 0.3 = 6.3.
    expect(measureStatus(5.9, 6, 'down', 0.05)).toBe('green');
    expect(measureStatus(6.3, 6, 'down', 0.05)).toBe('amber');
    expect(measureStatus(6.31, 6, 'down', 0.05)).toBe('red');
  });

  it('says data_only without a target and no_data without a value', () => {
    expect(measureStatus(12, null, 'up', 0.05)).toBe('data_only');
    expect(measureStatus(null, 0.95, 'up', 0.05)).toBe('no_data');
  });

  it('takes effective-dated targets', () => {
    const m = measureSchema.parse({
      code: 'X-1', title: 'x', unit: 'percent', direction: 'up', figure: 'availability.all',
      targets: [{ effectiveFrom: '2020-01-01', target: 0.9 }, { effectiveFrom: '2025-04-01', target: 0.95 }],
    });
    expect([targetOf(m, '2019-12-01'), targetOf(m, '2025-03-01'), targetOf(m, '2025-04-01')]).toEqual([null, 0.9, 0.95]);
  });
});
