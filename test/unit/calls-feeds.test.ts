import { describe, expect, it } from 'vitest';
import { normaliseAnonymousBankCall } from '../../src/feeds/calls/anonymous-bank.ts';
import { normaliseEmailContact } from '../../src/feeds/calls/emails.ts';
import { normaliseGenericCall, parseOutcome } from '../../src/feeds/calls/generic-csv.ts';
import { formatFromName } from '../../src/feeds/calls/ingest-file.ts';

const header = 'vru+line,call_id,customer_id,priority,type,date,vru_entry,vru_exit,vru_time,q_start,q_exit,q_time,outcome,ser_start,ser_exit,ser_time,server'.split(',');
const bank = (line: string) => Object.fromEntries(line.split(',').map((v, i) => [header[i]!, v]));
// Israel in August 1999: summer time, UTC+3.
const il = (day: number, hms: string) => Date.parse(`1999-08-${String(day).padStart(2, '0')}T${hms.padStart(8, '0')}+03:00`);

describe('Anonymous Bank rows (rows as in the real file)', () => {
  it('a queued call served by an agent', () => {
    const r = normaliseAnonymousBankCall(bank('AA0213,24281,33052234,1,PS,1999-08-01,10:00:45,10:00:51,6,10:00:51,10:01:33,42,AGENT,10:01:32,10:03:08,96,VICKY'), { source: 'bank' });
    expect(r).toEqual({
      kind: 'visit',
      visit: {
        source: 'bank', callId: 'AA0213-24281', queue: 'PS', channel: 'voice', arrivedAt: il(1, '10:00:51'), answeredAt: il(1, '10:01:33'), endedAt: il(1, '10:03:08'),
        outcome: 'answered', waitSeconds: 42, talkSeconds: 96, holdSeconds: null, wrapSeconds: null, agent: 'VICKY', transferred: false,
        extra: { customer_id: '33052234', priority: '1', vru_time: '6', 'vru+line': 'AA0213' },
      },
    });
  });

  it('served straight from the VRU: answered with wait 0 at the VRU exit', () => {
    const r = normaliseAnonymousBankCall(bank('AA0104,31129,0,0,PS,1999-08-01,10:00:21,10:00:31,10,0:00:00,0:00:00,0,AGENT,10:00:30,10:02:09,99,NAAMA'), { source: 'bank' });
    expect(r).toMatchObject({ kind: 'visit', visit: { arrivedAt: il(1, '10:00:31'), answeredAt: il(1, '10:00:31'), waitSeconds: 0, talkSeconds: 99, outcome: 'answered' } });
  });

  it('hung up in the queue → abandoned; in the VRU → not a visit; PHANTOM → not a visit', () => {
    expect(normaliseAnonymousBankCall(bank('AA0216,7910,0,0,IN,1999-08-01,10:00:28,10:00:37,9,10:00:37,10:01:51,74,HANG,0:00:00,0:00:00,0,NO_SERVER'), { source: 'b' })).toMatchObject({
      kind: 'visit',
      visit: { queue: 'IN', outcome: 'abandoned', waitSeconds: 74, arrivedAt: il(1, '10:00:37'), endedAt: il(1, '10:01:51'), agent: null },
    });
    expect(normaliseAnonymousBankCall(bank('AA0204,43678,0,0,PS,1999-08-01,0:10:10,0:10:27,17,0:00:00,0:00:00,0,HANG,0:00:00,0:00:00,0,NO_SERVER'), { source: 'b' })).toEqual({ kind: 'skip', reason: 'vru_only' });
    expect(normaliseAnonymousBankCall(bank('AA0203,44973,38324794,1,PS,1999-08-01,10:36:34,10:36:39,5,10:36:39,10:38:58,139,PHANTOM,10:38:58,10:39:01,3,NO_SERVER'), { source: 'b' })).toEqual({ kind: 'skip', reason: 'phantom' });
  });

  it('a call across midnight: times before its VRU entry are on the next day', () => {
    const r = normaliseAnonymousBankCall(bank('AA0208,7582,25534546,1,PS,1999-08-02,23:59:23,23:59:23,0,23:59:29,0:00:57,88,AGENT,0:00:56,0:01:15,19,GELBER'), { source: 'b' });
    expect(r).toMatchObject({ kind: 'visit', visit: { arrivedAt: il(2, '23:59:29'), answeredAt: il(2, '23:59:29') + 88_000, endedAt: il(3, '00:01:15'), waitSeconds: 88 } });
  });

  it('a bad row is a problem with its field', () => {
    expect(normaliseAnonymousBankCall(bank('AA0208,7582,2,1,PS,1999-08-02,25:00:00,23:59:23,0,23:59:29,0:00:57,88,AGENT,0:00:56,0:01:15,19,X'), { source: 'b' })).toMatchObject({
      kind: 'problem',
      problems: [{ field: 'vru_entry' }],
    });
    expect(normaliseAnonymousBankCall(bank('AA0208,7582,2,1,PS,1999-08-02,23:59:23,23:59:23,0,23:59:29,0:00:57,88,TRANSFER,0:00:56,0:01:15,19,X'), { source: 'b' })).toMatchObject({
      kind: 'problem',
      problems: [{ field: 'outcome' }],
    });
  });
});

describe('generic calls CSV and email rows', () => {
  it('outcomes accept a few spellings', () => {
    expect(['Answered', 'exit key', 'EXIT-KEY', 'no agents', 'ExitEmpty', 'queued', 'hung up'].map(parseOutcome)).toEqual(['answered', 'exit_key', 'exit_key', 'no_agents', 'no_agents', 'waiting', null]);
  });

  it('an answered call with a wait but no answered_at or ended_at: the instants from the durations', () => {
    const r = normaliseGenericCall({ call_id: 'x', queue: 'q', arrived_at: '2025-01-06T09:00:00Z', outcome: 'answered', wait_seconds: '30', talk_seconds: '120' }, { source: 's', zone: 'Europe/London' });
    expect(r).toMatchObject({ ok: true, visit: { answeredAt: Date.parse('2025-01-06T09:00:30Z'), endedAt: Date.parse('2025-01-06T09:02:30Z'), waitSeconds: 30, talkSeconds: 120, channel: 'voice' } });
  });

  it('a naive time in the repeated autumn hour is read as its first occurrence and warned about', () => {
    const r = normaliseGenericCall({ call_id: 'x', queue: 'q', arrived_at: '2025-10-26 01:30:00', outcome: 'abandoned', wait_seconds: '12' }, { source: 's', zone: 'Europe/London' });
    expect(r).toMatchObject({ ok: true, visit: { arrivedAt: Date.parse('2025-10-26T00:30:00Z') }, warnings: [expect.stringContaining('repeated hour')] });
  });

  it('every problem of a row is reported with its field', () => {
    const r = normaliseGenericCall({ call_id: '', queue: '', arrived_at: 'soon', outcome: 'maybe', wait_seconds: '-1' }, { source: 's', zone: 'UTC' });
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(['call_id', 'queue', 'outcome', 'arrived_at', 'wait_seconds']);
  });

  it('email contacts', () => {
    expect(normaliseEmailContact({ id: 'E1', mailbox: 'contact', received_at: '2025-06-02 08:00', processed_at: '' }, { source: 'e', zone: 'Europe/London' })).toMatchObject({
      ok: true,
      email: { externalId: 'E1', mailbox: 'contact', receivedAt: Date.parse('2025-06-02T07:00:00Z'), processedAt: null },
    });
  });

  it('a file name suggests its format', () => {
    expect(['queue_log', 'queue_log.1', 'queue_log-20250601.gz', 'pbx.log', 'calls.csv', 'calls.csv.gz'].map(formatFromName)).toEqual(['queue_log', 'queue_log', 'queue_log', 'queue_log', 'csv', 'csv']);
  });
});
