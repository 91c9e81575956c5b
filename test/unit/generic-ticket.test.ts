import { describe, expect, it } from 'vitest';
import { normaliseGenericTicket, parseFlag, parsePriority, type NormaliseResult } from '../../src/feeds/tickets/generic.ts';

const opts = { zone: 'Europe/London', kinds: ['incident', 'service_request'] };

/** A complete, valid row; each test changes what it is about. */
const row = (over: Record<string, string> = {}): Record<string, string> => ({
  id: 'INC-1',
  kind: 'incident',
  priority: 'high',
  vip: 'no',
  team: 'Network',
  channel: 'phone',
  category: 'Outage',
  status: 'resolved',
  opened_at: '2025-07-01 09:00',
  first_response_at: '',
  resolved_at: '2025-07-01 12:30',
  closed_at: '',
  satisfaction: '',
  ...over,
});

function ok(r: NormaliseResult) {
  if (!r.ok) throw new Error(`expected a ticket, got ${JSON.stringify(r.problems)}`);
  return r;
}
function problems(r: NormaliseResult) {
  if (r.ok) throw new Error(`expected problems, got ticket ${JSON.stringify(r.ticket)}`);
  return r.problems;
}

describe('parsePriority', () => {
  it('maps P1-P5 to critical..long_term, in any case and with spaces around', () => {
    expect(['P1', 'P2', 'P3', 'P4', 'P5'].map(parsePriority)).toEqual(['critical', 'high', 'normal', 'low', 'long_term']);
    expect(parsePriority(' p2 ')).toBe('high');
  });

  it('accepts the names, and "Long Term" / "long-term" for long_term', () => {
    expect(['critical', 'High', 'NORMAL', 'low', 'long_term'].map(parsePriority)).toEqual(['critical', 'high', 'normal', 'low', 'long_term']);
    expect(parsePriority('Long Term')).toBe('long_term');
    expect(parsePriority('long-term')).toBe('long_term');
    expect(parsePriority('Long  Term')).toBe('long_term');
  });

  it('refuses anything else', () => {
    for (const t of ['urgent', 'P0', 'P6', '1', '', 'highest', 'long']) expect(parsePriority(t), t).toBeNull();
  });
});

describe('parseFlag', () => {
  it('reads true/false, yes/no, y/n, 1/0 in any case; empty is false', () => {
    for (const t of ['true', 'TRUE', 'yes', 'Yes', 'y', 'Y', '1', ' yes ']) expect(parseFlag(t), t).toBe(true);
    for (const t of ['false', 'False', 'no', 'NO', 'n', '0', '', '  ']) expect(parseFlag(t), t).toBe(false);
  });

  it('gives null (not false) for anything else, so the row is refused rather than guessed', () => {
    for (const t of ['maybe', '2', 'on', 'off', 'vip', '-1']) expect(parseFlag(t), t).toBeNull();
  });
});

describe('normaliseGenericTicket', () => {
  it('normalises a full row: instants as UTC, priority and vip parsed, blanks as null', () => {
    const r = ok(
      normaliseGenericTicket(
        row({ priority: 'P2', vip: 'yes', first_response_at: '2025-07-01T08:20:00Z', closed_at: '2025-07-01T14:00:00+01:00', satisfaction: '4' }),
        opts,
      ),
    );
    expect(r.warnings).toEqual([]);
    expect(r.ticket).toEqual({
      externalId: 'INC-1',
      kind: 'incident',
      priority: 'high',
      vip: true,
      team: 'Network',
      channel: 'phone',
      category: 'Outage',
      status: 'resolved',
      // Naive times are read in Europe/London: 09:00 BST is 08:00 UTC.
      openedAt: new Date('2025-07-01T08:00:00Z'),
      firstResponseAt: new Date('2025-07-01T08:20:00Z'),
      resolvedAt: new Date('2025-07-01T11:30:00Z'),
      closedAt: new Date('2025-07-01T13:00:00Z'),
      satisfaction: 4,
      extra: null,
    });
  });

  it('reads naive winter times as GMT and keeps Z and offsets as given', () => {
    expect(ok(normaliseGenericTicket(row({ opened_at: '2025-01-15 09:00', resolved_at: '' }), opts)).ticket.openedAt).toEqual(
      new Date('2025-01-15T09:00:00Z'),
    );
    expect(ok(normaliseGenericTicket(row({ opened_at: '2025-07-01T09:00:00Z', resolved_at: '' }), opts)).ticket.openedAt).toEqual(
      new Date('2025-07-01T09:00:00Z'),
    );
    expect(ok(normaliseGenericTicket(row({ opened_at: '2025-07-01T09:00:00-05:00', resolved_at: '' }), opts)).ticket.openedAt).toEqual(
      new Date('2025-07-01T14:00:00Z'),
    );
  });

  it('warns on a naive time in the repeated hour of the autumn change and takes the first occurrence', () => {
    // 2025-10-26 01:30 happens twice in London: first at 00:30Z (BST), then at 01:30Z (GMT).
    const r = ok(normaliseGenericTicket(row({ opened_at: '2025-10-26 01:30', resolved_at: '' }), opts));
    expect(r.ticket.openedAt).toEqual(new Date('2025-10-26T00:30:00Z'));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^opened_at "2025-10-26 01:30" falls in the repeated hour/);
  });

  it('keeps unknown non-empty columns in extra and normalises the kind', () => {
    const r = ok(normaliseGenericTicket(row({ kind: 'Service Request', site: 'Leeds', ref: '', note: 'a\nb' }), opts));
    expect(r.ticket.kind).toBe('service_request');
    expect(r.ticket.extra).toEqual({ site: 'Leeds', note: 'a\nb' });
  });

  it('needs only id, kind, priority and opened_at', () => {
    const r = ok(normaliseGenericTicket({ id: ' X9 ', kind: 'incident', priority: 'low', opened_at: '2025-07-01' }, opts));
    expect(r.ticket).toMatchObject({
      externalId: 'X9',
      vip: false,
      team: null,
      status: null,
      openedAt: new Date('2025-06-30T23:00:00Z'),
      resolvedAt: null,
      satisfaction: null,
      extra: null,
    });
  });

  it('rounds a fractional satisfaction and refuses a non-number', () => {
    expect(ok(normaliseGenericTicket(row({ satisfaction: '4.6' }), opts)).ticket.satisfaction).toBe(5);
    expect(problems(normaliseGenericTicket(row({ satisfaction: 'good' }), opts))).toEqual([
      { field: 'satisfaction', reason: 'satisfaction "good" is not a number' },
    ]);
  });

  it('names the field and the reason of each problem', () => {
    expect(problems(normaliseGenericTicket(row({ id: '  ' }), opts))).toEqual([{ field: 'id', reason: 'missing id' }]);
    expect(problems(normaliseGenericTicket(row({ priority: 'urgent' }), opts))).toEqual([
      { field: 'priority', reason: expect.stringContaining('unknown priority "urgent"') },
    ]);
    expect(problems(normaliseGenericTicket(row({ priority: '' }), opts))).toEqual([{ field: 'priority', reason: 'missing priority' }]);
    expect(problems(normaliseGenericTicket(row({ kind: 'problem' }), opts))).toEqual([
      { field: 'kind', reason: 'unknown kind "problem" (expected incident, service_request)' },
    ]);
    expect(problems(normaliseGenericTicket(row({ vip: 'maybe' }), opts))).toEqual([{ field: 'vip', reason: expect.stringContaining('unreadable vip "maybe"') }]);
    expect(problems(normaliseGenericTicket(row({ opened_at: '31/02/2025' }), opts))).toEqual([
      { field: 'opened_at', reason: expect.stringContaining('unreadable date "31/02/2025"') },
    ]);
    // A well-formed but impossible date is refused too, not rolled over into March.
    expect(problems(normaliseGenericTicket(row({ opened_at: '2025-02-31 09:00' }), opts))[0]!.field).toBe('opened_at');
    expect(problems(normaliseGenericTicket(row({ opened_at: '' }), opts))).toEqual([{ field: 'opened_at', reason: 'missing opened_at' }]);
    expect(problems(normaliseGenericTicket(row({ resolved_at: '2025-07-01 08:59' }), opts))).toEqual([
      { field: 'resolved_at', reason: 'resolved_at is before opened_at' },
    ]);
  });

  it('reports every problem of a row, in column order', () => {
    const p = problems(normaliseGenericTicket(row({ id: '', priority: 'P9', vip: 'perhaps', closed_at: 'yesterday' }), opts));
    expect(p.map((x) => x.field)).toEqual(['id', 'priority', 'vip', 'closed_at']);
  });
});
