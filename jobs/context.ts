import type { Db } from '../db/client.ts';
import type { AppConfig } from '../src/config/app-config.ts';
import type { Env } from '../src/config/env.ts';

/** What every job receives, whichever runner runs it. */
export type JobContext = {
  db: Db;
  config: AppConfig;
  env: Env;
  /** The clock, passed in so computation never reads it itself. */
  now: () => Date;
  log: (message: string) => void;
  /** Queue another job (e.g. a compute after an ingest); the slot id makes it run once. */
  enqueue: (job: string, slot: string, payload?: unknown) => Promise<void>;
};
