import type { Db } from '../../../db/client.ts';
import type { AppConfig } from '../../config/app-config.ts';
import { slaRules } from '../../sla/rules.ts';
import { addTicketHistoryBulk, upsertVersionedTickets } from '../../store/ticket-feeds.ts';
import { ingestCsvFile, type CsvFeed, type IngestOptions, type IngestResult } from '../ingest-csv.ts';
import { stagedGenericTicketFeed } from './ingest-file.ts';
import { ticketFeedsConfigSchema, type TicketFeedsConfig } from './feed-config.ts';
import { compileMapping, type MappedRow, type TicketMapping } from './mapping.ts';
import { presetNames, ticketPresets } from './presets.ts';

/** The feeds section of a configuration (defaults when the file has none). */
export function ticketFeedsOf(config: AppConfig): TicketFeedsConfig {
  return config.ticketFeeds ?? ticketFeedsConfigSchema.parse(undefined);
}

/** Every preset and configured mapping name, for usage lines and error messages. */
export function feedNames(config: AppConfig): string[] {
  return [...presetNames, ...Object.keys(ticketFeedsOf(config).mappings)];
}

/** A configured mapping of that name, else the built-in preset; undefined for `generic` or unknown. */
export function mappingNamed(config: AppConfig, name: string): TicketMapping | undefined {
  // Own names only: `__proto__` or `constructor` must be unknown presets, not Object's.
  const mappings = ticketFeedsOf(config).mappings;
  return (Object.hasOwn(mappings, name) ? mappings[name] : undefined) ?? ticketPresets.get(name);
}

export class UnknownPresetError extends Error {}

/** A CSV feed that reads a tool's export through a mapping: tickets (latest version wins) plus history rows. */
export function mappedTicketFeed(mapping: TicketMapping, opts: { source: string; zone: string; kinds: readonly string[] }) {
  const normalise = compileMapping(mapping, opts);
  const stats = { historyRows: 0, historyInserted: 0 };
  const feed: CsvFeed<MappedRow> = {
    feed: 'tickets',
    csv: { delimiter: mapping.delimiter },
    normalise,
    async write(tx, runId, items) {
      const counts = await upsertVersionedTickets(tx, opts.source, runId, items);
      const history = items.flatMap((i) => i.history);
      if (history.length > 0) {
        stats.historyRows += history.length;
        stats.historyInserted += await addTicketHistoryBulk(tx, opts.source, runId, history);
      }
      return counts;
    },
  };
  return { feed, stats };
}

export type FeedIngestResult = IngestResult & { preset: string; source: string; historyRows?: number; historyInserted?: number };

/**
 * `attain ingest tickets FILE --preset NAME`, the drop folder and the upload alike: the file read
 * with the named preset or configured mapping (`generic` is the project's own format).
 */
export async function ingestTicketFeedFile(
  db: Db,
  file: string,
  config: AppConfig,
  opts: Omit<IngestOptions, 'source'> & { preset?: string; source?: string },
): Promise<FeedIngestResult> {
  const preset = opts.preset ?? 'generic';
  const zone = slaRules(config).zone;
  const kinds = config.kinds;
  if (preset === 'generic') {
    const source = opts.source ?? config.ticketSource;
    const r = await ingestCsvFile(db, file, stagedGenericTicketFeed({ source, zone, kinds }), { ...opts, source });
    return { ...r, preset, source };
  }
  const mapping = mappingNamed(config, preset);
  if (!mapping) throw new UnknownPresetError(`unknown preset "${preset}" (known: ${feedNames(config).join(', ')})`);
  const source = opts.source ?? mapping.source ?? preset;
  const { feed, stats } = mappedTicketFeed(mapping, { source, zone, kinds });
  const r = await ingestCsvFile(db, file, feed, { ...opts, source });
  return { ...r, preset, source, ...(mapping.eventLog ? stats : {}) };
}
