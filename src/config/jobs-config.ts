import { z } from 'zod';

/**
 * The `jobs` section of ATTAIN_CONFIG: how the drop folders decide a file is complete, how long a
 * silent claim or run is trusted, and how jobs wait out a database outage (README "Faults").
 */
export const jobsConfigSchema = z
  .object({
    /** Gap between the two looks at a drop folder: a file is taken only if its size and mtime did not change. */
    dropSettleMs: z.number().int().min(0).max(600_000).default(2000),
    /** Take `NAME` only once the exporter has written `NAME.done` beside it (the marker is removed). */
    dropDoneMarker: z.boolean().default(false),
    /** How often a running job, ingest or drop claim writes its heartbeat. */
    heartbeatSeconds: z.number().int().min(1).max(3600).default(10),
    /** A `running` job slot, ingest run or drop claim silent this long belonged to a process that died. */
    staleAfterSeconds: z.number().int().min(2).max(86_400).default(120),
    /** Database unreachable: wait this long before the next attempt, doubling up to `dbRetryMaxMs`. */
    dbRetryBaseMs: z.number().int().min(1).max(3_600_000).default(15_000),
    dbRetryMaxMs: z.number().int().min(1).max(3_600_000).default(300_000),
    /** Attempts spent waiting for the database (not counted as the job's retries) before it fails. */
    dbRetryMaxWaits: z.number().int().min(0).max(1000).default(30),
  })
  .default({ dropSettleMs: 2000, dropDoneMarker: false, heartbeatSeconds: 10, staleAfterSeconds: 120, dbRetryBaseMs: 15_000, dbRetryMaxMs: 300_000, dbRetryMaxWaits: 30 });
export type JobsConfig = z.infer<typeof jobsConfigSchema>;
