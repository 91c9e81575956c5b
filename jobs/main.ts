/**
 * The command line's entry point (bin/attain.js imports it; tests spawn it through tsx):
 * src/cli.ts runs the commands and this module hands it the job machinery — runners, worker,
 * schedule, catalogue — so that nothing in `src` imports `jobs/` (docs/architecture.md).
 */
import { runCli, type JobHost } from '../src/cli.ts';
import { reportingZone } from '../src/config/calendars.ts';
import { jobContext } from '../src/runtime.ts';
import { computeSlaJob } from './compute-sla.ts';
import { jobCatalog } from './registry.ts';
import { createBullProducer, startBullWorker } from './runners/bullmq.ts';
import { createInlineRunner } from './runners/inline.ts';
import { enqueueMissedKpiFeed, startSchedule } from './schedule.ts';

const jobHost: JobHost = {
  runner: (rt) => (rt.env.redisUrl ? createBullProducer({ redisUrl: rt.env.redisUrl }) : createInlineRunner((enqueue) => jobContext(rt, enqueue))),
  producer: (redisUrl) => createBullProducer({ redisUrl }),
  startWorker: (rt, enqueue) => startBullWorker(jobContext(rt, enqueue), { redisUrl: rt.env.redisUrl! }),
  startSchedule: (rt, enqueue, onError) => startSchedule(jobCatalog.values(), enqueue, onError, reportingZone(rt.config)),
  scheduled: () => [...jobCatalog.values()].filter((j) => j.cron).map((j) => `${j.name} (${j.cron})`),
  enqueueMissedKpiFeed: (rt, now, enqueue) => enqueueMissedKpiFeed(rt.handle.db, rt.config, now, enqueue),
  computeSla: (rt) => computeSlaJob.run(jobContext(rt, async () => {}), {}),
};

await runCli(process.argv.slice(2), jobHost);
