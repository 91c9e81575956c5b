import { describe, expect, it } from 'vitest';
import { caseRules, caseworkConfigSchema } from '../../src/casework/policy.ts';
import { caseOutcome } from '../../src/casework/clock.ts';
import { demoCaseCsvLines } from '../../src/demo/cases.ts';
import { compileCaseMapping, genericCaseMapping, type NormalisedCase } from '../../src/feeds/cases/mapping.ts';

const parse = (line: string) => line.replace(/\n$/, '').split(','); // the demo writes no quoted fields

describe('demo casework', () => {
  const opts = { today: '2025-11-20', days: 180, seed: 2025 };
  const lines = demoCaseCsvLines(opts);
  const header = parse(lines[0]!);
  const normalise = compileCaseMapping(genericCaseMapping, caseRules(caseworkConfigSchema.parse({})));
  const cases: NormalisedCase[] = lines.slice(1).map((l, i) => {
    const values = Object.fromEntries(parse(l).map((v, j) => [header[j]!, v]));
    const r = normalise(values);
    if (!r.ok) throw new Error(`line ${i + 2}: ${JSON.stringify(r.problems)}`);
    return r.item;
  });

  it('is the same for the same seed and every row is a valid case', () => {
    expect(demoCaseCsvLines(opts)).toEqual(lines);
    expect(cases.length).toBe(lines.length - 1);
    expect(new Set(cases.map((c) => c.externalId)).size).toBe(cases.length);
  });

  it('has every kind the measures read, extensions, clarifications, identity waits and escalations to a known stage 1', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    for (const k of ['complaint-stage-1', 'complaint-stage-2', 'foi', 'sar', 'member-enquiry']) expect(kinds.has(k)).toBe(true);
    expect(cases.some((c) => c.clock.extended)).toBe(true);
    expect(cases.some((c) => c.clarificationReceivedAt !== null)).toBe(true);
    expect(cases.some((c) => c.idReceivedAt !== null)).toBe(true);
    const ids = new Set(cases.map((c) => c.externalId));
    const escalations = cases.filter((c) => c.parentId !== null);
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.every((c) => ids.has(c.parentId!))).toBe(true);
  });

  it('answers most cases in time, some late, none after the demo day', () => {
    const now = Date.parse('2025-11-20T00:00:00Z');
    expect(cases.every((c) => c.respondedAt === null || c.respondedAt < now)).toBe(true);
    for (const kind of ['complaint-stage-1', 'foi', 'sar', 'member-enquiry']) {
      const outcomes = cases.filter((c) => c.kind === kind).map((c) => caseOutcome(c.clock.dueAt, c.respondedAt, now));
      const met = outcomes.filter((o) => o === 'met').length;
      const late = outcomes.filter((o) => o === 'late' || o === 'overdue').length;
      // Drawn on time with probability 0.82–0.90 per kind: the share lands between 65% and 100%, with some late.
      expect(late).toBeGreaterThan(0);
      expect(met / (met + late)).toBeGreaterThan(0.65);
    }
  });
});
