import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { goalFor, targetFor, versionInForce } from '../../src/sla/policy.ts';

const example = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/attain.config.json');

describe('configuration', () => {
  it('defaults to the published policy, the service-desk calendar and the 90%/95% goals', () => {
    const c = loadAppConfig();
    expect(c.kinds).toEqual(['incident', 'service_request']);
    expect(c.policies[0]).toMatchObject({ calendarId: 'service-desk', reopen: 'continue' });
    expect(goalFor(c.goals, '2017-07-31')).toBe(0.9);
    expect(goalFor(c.goals, '2017-08-01')).toBe(0.95);
  });

  it('reads the README example: a further kind, effective-dated versions, per-kind goals', () => {
    const c = loadAppConfig(example);
    expect(c.kinds).toContain('change');
    const v1 = versionInForce(c.policies, '2026-03-31')!;
    const v2 = versionInForce(c.policies, '2026-04-01')!;
    expect([v1.id, v1.reopen, v2.id, v2.reopen]).toEqual(['resolution-v1', 'continue', 'resolution-v2-first-fix', 'first']);
    expect(targetFor(v1, 'change', 'normal', false)).toBe(2500);
    expect(targetFor(v1, 'incident', 'normal', false)).toBe(1260);
    expect(goalFor(c.goals, '2025-01-01', 'change')).toBe(0.9);
    expect(goalFor(c.goals, '2025-01-01', 'incident')).toBe(0.95);
  });

  it('names the file and the field of a bad configuration', () => {
    expect(() => loadAppConfig(path.join(path.dirname(example), 'missing.json'))).toThrow(/missing\.json: cannot be read/);
  });
});
