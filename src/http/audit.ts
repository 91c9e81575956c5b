import type { Context } from 'hono';
import type { Db } from '../../db/client.ts';
import { insertAudit } from '../store/audit.ts';
import { actorOf } from './session.ts';

export type AuditWhat = {
  /** `area.verb`, e.g. `outage.create`, `commentary.update`, `month.publish`. */
  action: string;
  /** The record touched, e.g. `outage:12`, `measure:SD01/2025-03`. */
  target?: string;
  /** What changed (small: the fields sent, not whole documents). */
  details?: Record<string, unknown>;
};

/**
 * Records a write in the audit trail: who (the signed-in person, the key, or nobody when auth is
 * off), when, what, and through which route. One call after a successful write:
 * `await audit(c, deps, { action: 'outage.create', target: \`outage:${id}\`, details: body })`.
 */
export async function audit(c: Context, deps: { db: Db; now: () => Date }, what: AuditWhat): Promise<void> {
  const a = actorOf(c);
  await insertAudit(deps.db, {
    at: deps.now(),
    actorKind: a.kind,
    actor: a.kind === 'none' ? 'anonymous' : a.subject,
    actorName: a.kind === 'none' ? null : a.name,
    role: a.kind === 'none' ? null : a.role,
    action: what.action,
    target: what.target ?? null,
    method: c.req.method,
    route: c.req.path,
    details: what.details ?? null,
  });
}
