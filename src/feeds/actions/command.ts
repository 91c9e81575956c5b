import path from 'node:path';
import { localDayKey } from '../../calendar/zone.ts';
import type { Runtime } from '../../runtime.ts';
import { ingestActionsFile } from '../../services/plans.ts';
import { slaRules } from '../../sla/rules.ts';
import { printIngestResult } from '../runs-command.ts';

const option = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** `attain ingest actions FILE [--preset NAME] [--plan CODE] [--title TEXT]`: a service plan's action export. */
export async function ingestActionsCommand(rt: Runtime, file: string, args: string[]): Promise<void> {
  const today = localDayKey(slaRules(rt.config).zone, Date.now());
  const result = await ingestActionsFile(rt.handle.db, path.resolve(file), rt.config, {
    preset: option(args, '--preset'),
    plan: option(args, '--plan'),
    title: option(args, '--title'),
    today,
  });
  await printIngestResult(rt.handle.db, result);
  console.log(`plan ${result.plan} (preset ${result.preset}): GET /api/v1/plans/${result.plan}`);
}
