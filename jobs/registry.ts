import { computeSlaJob } from './compute-sla.ts';
import type { JobDefinition } from './define.ts';
import { ingestDropJob } from './ingest-drop.ts';

/** The job catalog: every job the schedulers and workers know, by name. */
export const jobCatalog: ReadonlyMap<string, JobDefinition<any>> = new Map(
  [ingestDropJob, computeSlaJob].map((j) => [j.name, j as JobDefinition<any>]),
);

export function getJob(name: string): JobDefinition<any> {
  const job = jobCatalog.get(name);
  if (!job) throw new Error(`unknown job "${name}" (known: ${[...jobCatalog.keys()].join(', ')})`);
  return job;
}
