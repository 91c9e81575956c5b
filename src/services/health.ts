import type { Db } from '../../db/client.ts';
import { pingDatabase } from '../store/health.ts';

export type HealthReport =
  | { status: 'ok'; database: { kind: 'pglite' | 'postgres'; ok: true; latencyMs: number }; time: string }
  | { status: 'degraded'; database: { kind: 'pglite' | 'postgres'; ok: false; state: 'unreachable' }; time: string };

/**
 * Liveness and database reachability. The driver's text (host names, users, paths) goes to the
 * log only: whoever asks for health needs no key.
 */
export async function checkHealth(deps: { db: Db; dbKind: 'pglite' | 'postgres'; now: () => Date; log: (m: string) => void }): Promise<HealthReport> {
  const started = performance.now();
  try {
    await pingDatabase(deps.db);
  } catch (e) {
    deps.log(`GET /health: database unreachable: ${(e as Error).message}`);
    return { status: 'degraded', database: { kind: deps.dbKind, ok: false, state: 'unreachable' }, time: deps.now().toISOString() };
  }
  return { status: 'ok', database: { kind: deps.dbKind, ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 }, time: deps.now().toISOString() };
}
