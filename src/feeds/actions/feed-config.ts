import { z } from 'zod';
import { actionMappingSchema } from './mapping.ts';

/** The `actionFeeds` section of ATTAIN_CONFIG: own mappings of performance systems' exports, by name. */
export const actionFeedsConfigSchema = z
  .object({
    /** Preset or mapping name `attain ingest actions` uses without `--preset`. */
    defaultPreset: z.string().min(1).default('pentana'),
    mappings: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), actionMappingSchema).default({}),
  })
  .default({ defaultPreset: 'pentana', mappings: {} });
export type ActionFeedsConfig = z.infer<typeof actionFeedsConfigSchema>;
