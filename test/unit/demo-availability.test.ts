import { describe, expect, it } from 'vitest';
import { demoOutageCsvLines, demoSystems } from '../../src/demo/availability.ts';
import { normaliseOutageRow } from '../../src/feeds/outages/generic.ts';

describe('demo outages', () => {
  const lines = demoOutageCsvLines({ today: '2025-06-15', days: 90, seed: 2025 });
  it('is deterministic, well formed and inside the 90 days before today', () => {
    expect(demoOutageCsvLines({ today: '2025-06-15', days: 90, seed: 2025 })).toEqual(lines);
    expect(lines[0]).toBe('system,start,end,kind,reason,ref\n');
    const header = lines[0]!.trim().split(',');
    const rows = lines.slice(1).map((l) => {
      const values = Object.fromEntries(l.trim().split(',').map((v, i) => [header[i]!, v]));
      const r = normaliseOutageRow(values, () => 'Europe/London');
      if (!r.ok) throw new Error(`${l}: ${JSON.stringify(r.problems)}`);
      return r.outage;
    });
    const names = new Set(demoSystems.map((s) => s.name));
    for (const o of rows) {
      expect(names.has(o.system)).toBe(true);
      expect(o.start.getTime()).toBeGreaterThanOrEqual(Date.parse('2025-03-17T00:00:00Z')); // 15 Jun − 90 days
      expect(o.end!.getTime()).toBeLessThan(Date.parse('2025-06-15T00:00:00Z'));
    }
    expect(rows.filter((o) => o.kind === 'planned').map((o) => o.system)).toEqual(['CRM']);
    for (const name of names) expect(rows.some((o) => o.system === name && o.kind === 'unplanned')).toBe(true);
  });
});
