import { isRetryableConflict } from './pg-errors.ts';

/**
 * Runs `fn` (one whole transaction) again when PostgreSQL aborted it as a deadlock victim
 * (40P01) or for a serialization failure (40001): two ingests writing overlapping rows at once
 * both succeed instead of one failing. The transaction rolled back, so running it again is safe.
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isRetryableConflict(e)) throw e;
      // A short, growing, jittered pause so the two transactions do not meet again in step.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
