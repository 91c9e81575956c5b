import { describe, expect, it } from 'vitest';
import { slotId } from '../../jobs/define.ts';

describe('slotId', () => {
  it('names a minute slot without ":" (BullMQ refuses custom ids containing it)', () => {
    const id = slotId('ingest-drop', new Date('2025-12-01T06:00:00.000Z'));
    expect(id).toBe('ingest-drop-2025-12-01T0600');
    expect(id).not.toContain(':');
  });

  it('names a seconds slot without ":", keeping the seconds', () => {
    const id = slotId('tick', new Date('2025-12-01T06:00:05.000Z'));
    expect(id).toBe('tick-2025-12-01T060005');
    expect(id).not.toContain(':');
  });

  it('gives the same id for the same instant, however the Date was made', () => {
    const ms = Date.UTC(2025, 11, 1, 23, 59, 30);
    expect(slotId('tick', new Date(ms))).toBe(slotId('tick', new Date('2025-12-01T23:59:30Z')));
    // Two schedulers firing for the same slot a few milliseconds apart still agree.
    expect(slotId('tick', new Date(ms + 7))).toBe(slotId('tick', new Date(ms)));
  });

  it('gives every second of an hour its own id, and different jobs different ids', () => {
    const start = Date.UTC(2025, 11, 1, 6, 0, 0);
    const ids = new Set(Array.from({ length: 3600 }, (_, s) => slotId('tick', new Date(start + s * 1000))));
    expect(ids.size).toBe(3600);
    const at = new Date(start);
    expect(slotId('ingest-drop', at)).not.toBe(slotId('compute-sla', at));
  });
});
