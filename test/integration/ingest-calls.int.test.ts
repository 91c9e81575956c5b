import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../db/client.ts';
import { callVisits, emailContacts, metricValues } from '../../db/schema.ts';
import { computeCalls } from '../../jobs/compute-calls.ts';
import { loadAppConfig } from '../../src/config/app-config.ts';
import { callsRules } from '../../src/calls/rules.ts';
import { ingestCallFile, ingestEmailFile } from '../../src/feeds/calls/ingest-file.ts';
import { getIngestRun, listRejectedRows } from '../../src/store/ingest-runs.ts';
import { agentEventsOf } from '../../src/store/calls.ts';
import { backends } from '../support/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string) => path.join(root, 'test/fixtures/calls', name);
const tmp = mkdtempSync(path.join(tmpdir(), 'attain-ingest-calls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const zone = 'Europe/London';
const T = 1748854800_000; // Mon 2 June 2025 10:00:00 BST
const at = (s: number) => new Date(T + s * 1000);

const visitsOf = (db: Db, source: string) =>
  db
    .select()
    .from(callVisits)
    .where(eq(callVisits.source, source))
    .orderBy(asc(callVisits.arrivedAt), asc(callVisits.queue));
const rejectsOf = async (db: Db, runId: number) => (await listRejectedRows(db, runId)).map((r) => ({ line: r.line, field: r.field, reason: r.reason, raw: r.raw }));

describe.each(backends.filter((b) => b.available))('ingest calls ($name)', (backend) => {
  let handle: DbHandle;
  let db: Db;
  beforeAll(async () => {
    handle = await backend.open();
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('queue_log: visits, agent events and bad lines per line; a second part of the log ends what the first left waiting', async () => {
    const r = await ingestCallFile(db, fixture('queue_log-part1'), 'queue_log', { source: 'pbx', zone });
    // 18 lines: 6 visits, 2 agent events (RINGNOANSWER, PAUSE), 3 bad lines; the rest are visit events.
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 18, inserted: 6, updated: 0, unchanged: 0, rejected: 3, stillOpen: 1, agentEvents: 2 });
    expect(await getIngestRun(db, r.runId)).toMatchObject({ feed: 'calls', source: 'pbx', file: 'queue_log-part1', status: 'succeeded', touchedDays: ['2025-06-02'] });
    expect(await rejectsOf(db, r.runId)).toEqual([
      { line: 13, field: 'event', reason: 'unknown event "FOO"', raw: `${T / 1000 + 150}|1748854950.5|sales|NONE|FOO|bar` },
      { line: 14, field: 'event', reason: expect.stringContaining('without an ENTERQUEUE'), raw: `${T / 1000 + 160}|1748854960.6|sales|Agent/102|COMPLETECALLER|10|50|1` },
      { line: 15, field: null, reason: expect.stringContaining('3 fields'), raw: `${T / 1000 + 170}|1748854970.7|sales` },
    ]);
    const v = await visitsOf(db, 'pbx');
    expect(v.map((x) => [x.callId, x.queue, x.outcome, x.waitSeconds, x.talkSeconds, x.agent, x.transferred])).toEqual([
      ['1748854800.1', 'sales', 'answered', 20, 300, 'Agent/102', false],
      ['1748854810.2', 'sales', 'abandoned', 3, null, null, false],
      ['1748854830.3', 'sales', 'timeout', 60, null, null, false],
      ['1748854830.3', 'overflow', 'answered', 40, 270, 'Agent/201', true],
      ['1748854900.4', 'sales', 'abandoned', 45, null, null, false],
      ['1748855300.8', 'sales', 'waiting', null, null, null, false],
    ]);
    expect(v[0]).toMatchObject({ arrivedAt: at(0), answeredAt: at(20), endedAt: at(320), holdSeconds: null, wrapSeconds: null, ingestRunId: r.runId });
    expect((await agentEventsOf(db, 'pbx')).map((e) => [e.event, e.agent, e.callId, e.data])).toEqual([
      ['RINGNOANSWER', 'Agent/101', '1748854800.1', '5000'],
      ['PAUSE', 'Agent/101', null, 'lunch'],
    ]);

    // The same file again: nothing changes; its bad lines are reported again under the new run.
    const before = await visitsOf(db, 'pbx');
    const again = await ingestCallFile(db, fixture('queue_log-part1'), 'queue_log', { source: 'pbx', zone });
    expect(again).toMatchObject({ status: 'succeeded', inserted: 0, updated: 0, unchanged: 6, rejected: 3, agentEvents: 0 });
    expect(await visitsOf(db, 'pbx')).toEqual(before);

    // The next part of the log answers and ends the waiting call.
    const part2 = await ingestCallFile(db, fixture('queue_log-part2'), 'queue_log', { source: 'pbx', zone });
    expect(part2).toMatchObject({ status: 'succeeded', rowsRead: 2, inserted: 0, updated: 1, unchanged: 0, rejected: 0, stillOpen: 0 });
    const c8 = (await visitsOf(db, 'pbx')).find((x) => x.callId === '1748855300.8')!;
    expect(c8).toMatchObject({ outcome: 'answered', arrivedAt: at(500), answeredAt: at(530), endedAt: at(600), waitSeconds: 30, talkSeconds: 70, agent: 'Agent/101' });

    // Re-reading the first part (where that call had not ended) never takes it back to waiting.
    const third = await ingestCallFile(db, fixture('queue_log-part1'), 'queue_log', { source: 'pbx', zone });
    expect(third).toMatchObject({ inserted: 0, updated: 0, unchanged: 6 });
    expect((await visitsOf(db, 'pbx')).find((x) => x.callId === '1748855300.8')).toMatchObject({ outcome: 'answered', endedAt: at(600) });
  });

  it('the compute job stores day and month counts per queue and for all queues (hand-computed)', async () => {
    const config = loadAppConfig();
    const rules = callsRules(config);
    const r = await computeCalls(db, rules, new Date('2025-06-03T12:00:00Z'));
    expect(r.callDays).toContain('2025-06-02');
    const rows = await db
      .select()
      .from(metricValues)
      .where(and(eq(metricValues.metric, 'calls.visits'), eq(metricValues.period, '2025-06-02')))
      .orderBy(asc(metricValues.dimKey));
    expect(rows.map((x) => x.dimKey)).toEqual(['', 'queue=overflow', 'queue=sales']);
    // All queues: 6 visits; c2 a short abandon (3 s); answered c1 (20 s, talk 300), c3 in
    // overflow (40 s, 270, transferred), c8 (30 s, 70); c4 abandoned (45 s); c3 timed out in sales (60 s).
    expect(rows[0]!.counts).toMatchObject({
      offered: 6, answered: 3, abandoned: 1, shortAbandoned: 1, timeout: 1, exitKey: 0, noAgents: 0, waiting: 0, transferred: 1,
      answeredWithinSl: 3, abandonedWithinSl: 1, abandonedAfterSl: 0, waitSum: 20 + 60 + 40 + 45 + 30, waitCount: 5,
      answeredWaitSum: 90, maxAnswerWait: 40, maxWait: 60, handled: 3, handleSum: 640, talkSum: 640, holdSum: 0, wrapSum: 0, handledTalkOnly: 3,
      shortAbandonSeconds: 5, serviceLevelSeconds: 120,
    });
    expect(rows[2]!.counts).toMatchObject({ offered: 5, answered: 2, abandoned: 1, shortAbandoned: 1, timeout: 1, transferred: 0 });
    expect(rows[1]!.counts).toMatchObject({ offered: 1, answered: 1, transferred: 1 });
    const month = await db
      .select()
      .from(metricValues)
      .where(and(eq(metricValues.metric, 'calls.visits'), eq(metricValues.grain, 'month'), eq(metricValues.period, '2025-06'), eq(metricValues.dimKey, '')));
    expect(month[0]!.counts).toEqual(rows[0]!.counts);

    // Computing again (the changes are still inside the watermark's margin) stores the same figures.
    await computeCalls(db, rules, new Date('2025-06-03T12:01:00Z'));
    const again = await db
      .select()
      .from(metricValues)
      .where(and(eq(metricValues.metric, 'calls.visits'), eq(metricValues.period, '2025-06-02')))
      .orderBy(asc(metricValues.dimKey));
    expect(again.map((x) => x.counts)).toEqual(rows.map((x) => x.counts));
  });

  it('the generic calls CSV: derived waits and ends, bad rows in the quarantine; gzip read the same', async () => {
    const r = await ingestCallFile(db, fixture('generic-calls.csv'), 'csv', { source: 'csv', zone });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 11, inserted: 6, rejected: 5 });
    expect((await rejectsOf(db, r.runId)).map((x) => [x.line, x.field, x.reason])).toEqual([
      [7, 'answered_at', 'answered_at: answered_at is 60 s before arrived_at (more than the 5 s allowed for clock skew)'],
      [8, 'channel', expect.stringContaining('unknown channel "fax"')],
      [9, 'call_id', 'call_id: missing call_id'],
      [10, 'arrived_at', expect.stringContaining('unreadable date "02/06/2025 10:00"')],
      [11, 'outcome', expect.stringContaining('unknown outcome "hung up"')],
    ]);
    const v = new Map((await visitsOf(db, 'csv')).map((x) => [x.callId, x]));
    // Naive times in Europe/London (BST): 09:00 → 08:00Z; the wait from answered_at.
    expect(v.get('G1')).toMatchObject({
      queue: 'benefits', arrivedAt: new Date('2025-06-02T08:00:00Z'), answeredAt: new Date('2025-06-02T08:01:00Z'), endedAt: new Date('2025-06-02T08:06:00Z'),
      outcome: 'answered', waitSeconds: 60, talkSeconds: 300, holdSeconds: 20, wrapSeconds: 78, agent: 'Sam', extra: { site: 'Leeds' },
    });
    expect(v.get('G2')).toMatchObject({ outcome: 'abandoned', waitSeconds: 130, arrivedAt: new Date('2025-06-02T08:05:00Z'), endedAt: new Date('2025-06-02T08:07:10Z') });
    expect(v.get('G3')).toMatchObject({ outcome: 'abandoned', channel: 'voice', waitSeconds: 2 });
    expect(v.get('G4')).toMatchObject({ outcome: 'timeout', channel: 'callback', waitSeconds: 600 });
    expect(v.get('G5')).toMatchObject({ outcome: 'waiting', queue: 'council tax', endedAt: null, waitSeconds: null });
    expect(v.get('G11')).toMatchObject({ outcome: 'answered', waitSeconds: 30, endedAt: null, transferred: true });

    const gz = path.join(tmp, 'generic-calls.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('generic-calls.csv'))));
    expect(await ingestCallFile(db, gz, 'csv', { source: 'csv', zone })).toMatchObject({ status: 'succeeded', inserted: 0, unchanged: 6, rejected: 5 });
  });

  it('email contacts: upserted on mailbox + id, a later processed_at updates the row', async () => {
    const r = await ingestEmailFile(db, fixture('emails.csv'), { source: 'email', zone });
    expect(r).toMatchObject({ status: 'succeeded', rowsRead: 6, inserted: 4, rejected: 2 });
    expect((await rejectsOf(db, r.runId)).map((x) => [x.line, x.field])).toEqual([
      [6, 'processed_at'],
      [7, 'id'],
    ]);
    const later = path.join(tmp, 'emails-later.csv');
    writeFileSync(later, 'id,mailbox,received_at,processed_at\nE4,contact,2025-06-02 12:00:00,2025-06-02 16:00:00\n');
    expect(await ingestEmailFile(db, later, { source: 'email', zone })).toMatchObject({ inserted: 0, updated: 1 });
    const rows = await db.select().from(emailContacts).orderBy(asc(emailContacts.externalId));
    expect(rows.map((e) => [e.externalId, e.mailbox, e.processedAt?.toISOString() ?? null])).toEqual([
      ['E1', 'contact', '2025-06-02T08:00:00.000Z'],
      ['E2', 'contact', '2025-06-03T09:00:00.000Z'],
      ['E3', 'benefits', '2025-06-02T08:30:00.000Z'],
      ['E4', 'contact', '2025-06-02T15:00:00.000Z'],
    ]);
    const rules = callsRules(loadAppConfig());
    await computeCalls(db, rules, new Date('2025-06-04T12:00:00Z'));
    const stored = await db
      .select()
      .from(metricValues)
      .where(eq(metricValues.metric, 'calls.emails'))
      .orderBy(asc(metricValues.grain), asc(metricValues.period), asc(metricValues.dimKey));
    // 2 June: 4 received; processed E1 (1 h), E3 (30 min), E4 (4 h). 3 June: E2 processed (25 h 30 min).
    expect(stored.map((x) => [x.grain, x.period, x.dimKey, x.counts])).toEqual([
      ['day', '2025-06-02', '', { received: 4, processed: 3, processingSecondsSum: 3600 + 1800 + 14400 }],
      ['day', '2025-06-02', 'mailbox=benefits', { received: 1, processed: 1, processingSecondsSum: 1800 }],
      ['day', '2025-06-02', 'mailbox=contact', { received: 3, processed: 2, processingSecondsSum: 3600 + 14400 }],
      ['day', '2025-06-03', '', { received: 0, processed: 1, processingSecondsSum: 91800 }],
      ['day', '2025-06-03', 'mailbox=contact', { received: 0, processed: 1, processingSecondsSum: 91800 }],
      ['month', '2025-06', '', { received: 4, processed: 4, processingSecondsSum: 111600 }],
      ['month', '2025-06', 'mailbox=benefits', { received: 1, processed: 1, processingSecondsSum: 1800 }],
      ['month', '2025-06', 'mailbox=contact', { received: 3, processed: 3, processingSecondsSum: 109800 }],
    ]);
  });

  it('a binary file fails its run with a reason naming the file', async () => {
    const bin = path.join(tmp, 'queue_log.bin');
    writeFileSync(bin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1, 2, 3]));
    const r = await ingestCallFile(db, bin, 'queue_log', { source: 'bin', zone });
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('queue_log.bin: looks binary') });
    const missing = await ingestCallFile(db, path.join(tmp, 'nope'), 'queue_log', { source: 'bin', zone });
    expect(missing).toMatchObject({ status: 'failed', error: 'nope: no such file' });
  });
});
