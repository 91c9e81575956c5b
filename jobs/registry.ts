import { computeCallsJob } from './compute-calls.ts';
import { computeSlaJob } from './compute-sla.ts';
import type { JobDefinition } from './define.ts';
import { ingestCallsDropJob } from './ingest-calls-drop.ts';
import { ingestDropJob } from './ingest-drop.ts';
import { ingestCasesDropJob } from './ingest-cases-drop.ts';
import { probeSystemsJob } from './probe-systems.ts';
import { pullTicketsJob } from './pull-tickets.ts';
import { tailQueueLogJob } from './tail-queue-log.ts';
import { kpiFeedJob } from './kpi-feed.ts';
import { deliverKpiFeedJob } from './deliver-kpi-feed.ts';

/** The job catalog: every job the schedulers and workers know, by name. */
export const jobCatalog: ReadonlyMap<string, JobDefinition<any>> = new Map(
  [ingestDropJob, computeSlaJob, probeSystemsJob, ingestCallsDropJob, computeCallsJob, tailQueueLogJob, kpiFeedJob, deliverKpiFeedJob, pullTicketsJob, ingestCasesDropJob].map((j) => [j.name, j as JobDefinition<any>]),
);
