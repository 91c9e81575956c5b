import { z } from 'zod';

/**
 * The normalised contact (METRICS.md §3, "Calls"): one visit of one call to one queue. Pure
 * data, instants as UTC epoch milliseconds. The `call_visits` table (db/schema/calls.ts) stores
 * exactly these fields; src/store/calls.ts checks at compile time that the two agree.
 */

export const callChannels = ['voice', 'email', 'chat', 'callback'] as const;
export type CallChannel = (typeof callChannels)[number];

/**
 * How a visit ended. `waiting` is not an ending: the visit was still in the queue at the
 * cut-off (the end of the log read so far). It is never counted as abandoned.
 */
export const visitOutcomes = ['answered', 'abandoned', 'timeout', 'exit_key', 'no_agents', 'waiting'] as const;
export type VisitOutcome = (typeof visitOutcomes)[number];

const seconds = z.number().finite().nonnegative();

export const callVisitSchema = z
  .object({
    source: z.string().min(1),
    callId: z.string().min(1),
    queue: z.string().min(1),
    channel: z.enum(callChannels),
    arrivedAt: z.number().int(),
    /** Set for answered visits only. */
    answeredAt: z.number().int().nullable(),
    /** Null while the visit is waiting, or answered and still being handled. */
    endedAt: z.number().int().nullable(),
    outcome: z.enum(visitOutcomes),
    /** Arrival to answer, or to leaving the queue; null while waiting. */
    waitSeconds: seconds.nullable(),
    talkSeconds: seconds.nullable(),
    /** Null when the feed does not record it (Asterisk queue_log): AHT is then talk-only. */
    holdSeconds: seconds.nullable(),
    wrapSeconds: seconds.nullable(),
    agent: z.string().nullable(),
    transferred: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.outcome === 'answered' && v.answeredAt === null) ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: 'an answered visit needs answeredAt' });
    if (v.outcome !== 'answered' && v.answeredAt !== null) ctx.addIssue({ code: 'custom', path: ['answeredAt'], message: `a ${v.outcome} visit has no answeredAt` });
    if (v.outcome === 'waiting' && (v.endedAt !== null || v.waitSeconds !== null)) {
      ctx.addIssue({ code: 'custom', path: ['outcome'], message: 'a waiting visit has neither endedAt nor waitSeconds' });
    }
    if (v.outcome !== 'waiting' && v.outcome !== 'answered' && v.endedAt === null) {
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: `a ${v.outcome} visit needs endedAt` });
    }
    if (v.outcome !== 'waiting' && v.waitSeconds === null) ctx.addIssue({ code: 'custom', path: ['waitSeconds'], message: 'missing waitSeconds' });
    if (v.endedAt !== null && v.endedAt < v.arrivedAt) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'endedAt is before arrivedAt' });
  });

export type CallVisit = z.infer<typeof callVisitSchema>;

/** The natural key a visit is upserted on (ARCHITECTURE.md: source + call id + queue + arrival). */
export function visitKey(v: Pick<CallVisit, 'source' | 'callId' | 'queue' | 'arrivedAt'>): string {
  return `${v.source}\u0000${v.callId}\u0000${v.queue}\u0000${v.arrivedAt}`;
}

/** An email contact of a mailbox (METRICS.md §3, `emailsPerDay`); processed when `processedAt` is set. */
export type EmailContact = {
  source: string;
  mailbox: string;
  externalId: string;
  receivedAt: number;
  processedAt: number | null;
};
