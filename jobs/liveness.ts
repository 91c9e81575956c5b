import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** This process, as named in job slots and drop claims: host, pid and a random part (pids are reused). */
export const processOwner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Calls `beat` every `everyMs` until stopped; a failed beat is reported, not thrown (the work goes
 * on; a holder whose beats stop is taken over once they are `staleAfterSeconds` old).
 */
export function startHeartbeat(beat: () => Promise<void>, everyMs: number, onError: (e: Error) => void): () => void {
  const timer = setInterval(() => {
    beat().catch((e: unknown) => onError(e as Error));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
