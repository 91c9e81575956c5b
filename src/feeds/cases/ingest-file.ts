import type { Db } from '../../../db/client.ts';
import { caseRules } from '../../casework/policy.ts';
import type { AppConfig } from '../../config/app-config.ts';
import { upsertCases } from '../../store/cases.ts';
import { ingestCsvFile, type CsvFeed, type IngestOptions, type IngestResult } from '../ingest-csv.ts';
import { compileCaseMapping, genericCaseMapping, type CaseMapping, type NormalisedCase } from './mapping.ts';

export class UnknownCasePresetError extends Error {}

/** Every casework preset and configured mapping name. */
export function caseFeedNames(config: AppConfig): string[] {
  return ['generic', ...Object.keys(config.caseFeeds.mappings)];
}

/** The mapping of a preset or configured mapping name, or undefined. */
export function caseMappingNamed(config: AppConfig, name: string): CaseMapping | undefined {
  // Own names only: `__proto__` or `valueOf` must be unknown presets, not Object's.
  const mappings = config.caseFeeds.mappings;
  return name === 'generic' ? genericCaseMapping : Object.hasOwn(mappings, name) ? mappings[name] : undefined;
}

/** The casework CSV feed read through a mapping, upserted on (source, id). */
export function caseFeed(mapping: CaseMapping, config: AppConfig, source: string): CsvFeed<NormalisedCase> {
  return {
    feed: 'cases',
    csv: { delimiter: mapping.delimiter },
    normalise: compileCaseMapping(mapping, caseRules(config.casework)),
    write: (tx, runId, items) => upsertCases(tx, source, runId, items),
  };
}

export type CaseIngestResult = IngestResult & { preset: string; source: string };

/**
 * `attain ingest cases FILE [--preset NAME]`, the upload and the drop folder alike: streams the
 * file through the generic ingest driver (batches, quarantine with file, line and field).
 */
export async function ingestCaseFile(
  db: Db,
  file: string,
  config: AppConfig,
  opts: Omit<IngestOptions, 'source'> & { preset?: string; source?: string } = {},
): Promise<CaseIngestResult> {
  const preset = opts.preset ?? 'generic';
  const mapping = caseMappingNamed(config, preset);
  if (!mapping) throw new UnknownCasePresetError(`unknown casework preset "${preset}" (known: ${caseFeedNames(config).join(', ')})`);
  const source = opts.source ?? mapping.source ?? (preset === 'generic' ? config.casework.source : preset);
  const r = await ingestCsvFile(db, file, caseFeed(mapping, config, source), { ...opts, source });
  return { ...r, preset, source };
}
