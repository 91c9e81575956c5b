import { z } from 'zod';
import { caseMappingSchema } from './mapping.ts';

/** The `caseFeeds` section of ATTAIN_CONFIG: mappings of case-management tools' exports, the drop folder's preset. */
export const caseFeedsConfigSchema = z
  .object({
    /** Preset or mapping name the drop folder's casework files are read with. */
    dropPreset: z.string().min(1).default('generic'),
    /** Mappings for other tools, by name; usable wherever a preset name is (`--preset NAME`). */
    mappings: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), caseMappingSchema).default({}),
  })
  .default({ dropPreset: 'generic', mappings: {} });
export type CaseFeedsConfig = z.infer<typeof caseFeedsConfigSchema>;
