import path from 'node:path';
import { localDayKey } from '../../calendar/zone.ts';
import type { Runtime } from '../../runtime.ts';
import { ingestActionsFile } from '../../services/plans.ts';
import { slaRules } from '../../sla/rules.ts';
import { printIngestResult } from '../runs-command.ts';

/** `attain ingest actions FILE [--preset NAME] [--plan CODE] [--title TEXT]`: a service plan's action export. */
export async function ingestActionsCommand(rt: Runtime, file: string, opts: { preset?: string; plan?: string; title?: string }): Promise<void> {
  const today = localDayKey(slaRules(rt.config).zone, Date.now());
  const result = await ingestActionsFile(rt.handle.db, path.resolve(file), rt.config, {
    preset: opts.preset,
    plan: opts.plan,
    title: opts.title,
    today,
  });
  await printIngestResult(rt.handle.db, result);
  console.log(`plan ${result.plan} (preset ${result.preset}): GET /api/v1/plans/${result.plan}`);
}
