import { openDatabase, type DbHandle } from '../db/client.ts';
import { loadAppConfig, type AppConfig } from './config/app-config.ts';
import { loadEnv, type Env } from './config/env.ts';
import path from 'node:path';
import { logger } from './log.ts';

export type Runtime = { env: Env; config: AppConfig; handle: DbHandle };

/**
 * What every job receives, whichever runner runs it (jobs/context.ts re-exports it: the runtime
 * builds it, and src never imports jobs).
 */
export type JobContext = {
  db: DbHandle['db'];
  config: AppConfig;
  env: Env;
  /** The clock, passed in so computation never reads it itself. */
  now: () => Date;
  log: (message: string) => void;
  /** Queue another job (e.g. a compute after an ingest); the slot id makes it run once. */
  enqueue: (job: string, slot: string, payload?: unknown) => Promise<void>;
};

/** Environment, configuration and database, as every command needs them; migrations applied. */
export async function openRuntime(opts: { migrate?: boolean; serves?: boolean } = {}): Promise<Runtime> {
  const env = loadEnv();
  const config = loadAppConfig(env.configFile);
  // The embedded folder's lock names this command (and its port) to any second process.
  const owner = { command: process.argv.slice(2, 4).join(' ') || 'attain', port: opts.serves ? env.port : undefined };
  const handle = await openDatabase({ url: env.databaseUrl, pgliteDir: path.join(env.dataDir, 'pglite'), owner });
  if (opts.migrate ?? true) await handle.migrate();
  return { env, config, handle };
}

export function jobContext(rt: Runtime, enqueue: JobContext['enqueue'], log = (m: string) => logger.info(m)): JobContext {
  return { db: rt.handle.db, config: rt.config, env: rt.env, now: () => new Date(), log, enqueue };
}
