import { describe, expect, it } from 'vitest';
import { compileDateFormat } from '../../src/feeds/tickets/date-format.ts';
import { compileMapping, ticketMappingSchema } from '../../src/feeds/tickets/mapping.ts';
import { ticketPresets } from '../../src/feeds/tickets/presets.ts';

const iso = (p: { ms: number } | null) => (p ? new Date(p.ms).toISOString() : null);

describe('date formats of tools exports', () => {
  it('reads Jira, UK and ServiceNow formats in the given zone', () => {
    // Jira default: 15/Mar/25 9:30 AM in London (GMT in March before the 30th) → 09:30Z; PM adds 12 h.
    expect(iso(compileDateFormat('dd/MMM/yy h:mm a')('15/Mar/25 9:30 AM', 'Europe/London'))).toBe('2025-03-15T09:30:00.000Z');
    expect(iso(compileDateFormat('dd/MMM/yy h:mm a')('15/Mar/25 12:05 PM', 'Europe/London'))).toBe('2025-03-15T12:05:00.000Z');
    // UK 14/07/2025 09:30 is BST (UTC+1) → 08:30Z; d/M/yyyy H:mm reads single digits.
    expect(iso(compileDateFormat('dd/MM/yyyy HH:mm')('14/07/2025 09:30', 'Europe/London'))).toBe('2025-07-14T08:30:00.000Z');
    expect(iso(compileDateFormat('d/M/yyyy H:mm')('5/3/2016 9:07', 'Europe/London'))).toBe('2016-03-05T09:07:00.000Z');
    expect(compileDateFormat('dd/MM/yyyy HH:mm')('31/02/2025 09:30', 'Europe/London')).toBeNull();
    expect(() => compileDateFormat('HH:mm')).toThrow(/year/);
  });
});

describe('mapping configuration', () => {
  it('maps a custom tool export with value maps and names the tool column in problems', () => {
    const mapping = ticketMappingSchema.parse({
      dateFormats: ['dd/MM/yyyy HH:mm'],
      columns: { id: 'Ref', priority: 'Urgency', openedAt: 'Logged', status: 'State', vip: 'Exec', kind: 'Type' },
      kind: { map: { Fault: 'incident', Request: 'service_request' } },
      priority: { map: { 'Very High': 'critical', Medium: 'normal' } },
      vip: { map: { Exec: true } },
      status: { map: { 'With customer': 'Awaiting customer' } },
    });
    const norm = compileMapping(mapping, { zone: 'Europe/London', kinds: ['incident', 'service_request'] });
    const ok = norm({ Ref: 'R1', Urgency: 'very high', Logged: '03/03/2025 09:00', State: 'With customer', Exec: 'Exec', Type: 'Fault', Notes: 'x' });
    expect(ok.ok && { ...ok.item.ticket, openedAt: ok.item.ticket.openedAt.toISOString() }).toMatchObject({
      externalId: 'R1', kind: 'incident', priority: 'critical', vip: true, status: 'Awaiting customer', openedAt: '2025-03-03T09:00:00.000Z', extra: { Notes: 'x' },
    });
    const bad = norm({ Ref: 'R2', Urgency: 'Spicy', Logged: '2025/03/03', State: '', Exec: '', Type: 'Fault' });
    expect(bad.ok ? [] : bad.problems.map((p) => p.field)).toEqual(['Urgency', 'Logged']);
    expect(() => ticketMappingSchema.parse({ columns: { id: 'a', priority: 'b', openedAt: 'c' }, zone: 'Mars/Olympus' })).toThrow(/time zone/);
  });

  it('every preset validates; ServiceNow "1 - Critical" and Jira "Highest" map to critical', () => {
    const sn = compileMapping(ticketPresets.get('servicenow-incident')!, { zone: 'Europe/London', kinds: ['incident', 'service_request'] });
    const r = sn({ number: 'INC1', priority: '1 - Critical', opened_at: '2025-03-03 09:00:00', state: 'Canceled', 'caller_id.vip': 'true' });
    expect(r.ok && [r.item.ticket.priority, r.item.ticket.status, r.item.ticket.vip]).toEqual(['critical', 'Cancelled', true]);
    const jira = compileMapping(ticketPresets.get('jira-sm')!, { zone: 'Europe/London', kinds: ['incident', 'service_request'] });
    const j = jira({ 'Issue key': 'ITSD-1', 'Issue Type': 'Service Request', Priority: 'Highest', Status: 'Waiting for customer', Created: '15/Mar/25 9:30 AM', Resolved: '' });
    expect(j.ok && [j.item.ticket.kind, j.item.ticket.priority, j.item.ticket.status]).toEqual(['service_request', 'critical', 'Awaiting customer']);
  });
});
