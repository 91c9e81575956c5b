import { z } from 'zod';
import { ticketMappingSchema } from './mapping.ts';

/** An API pull (README "API pulls"): which tool, where, how often; credentials only from the environment. */
export const ticketPullSchema = z.object({
  /** Names the pull's cursor; keep it stable, or the pull starts again from `since`. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
  tool: z.enum(['servicenow', 'jira']),
  baseUrl: z.string().url(),
  /** ServiceNow table (incident, sc_req_item); ignored for Jira. */
  table: z.string().regex(/^[a-z0-9_]+$/).default('incident'),
  /** Jira: the JQL that selects the service desk's issues, e.g. `project = ITSD`. */
  jql: z.string().optional(),
  /** Preset or mapping the records are read with; default servicenow-api / jira-api. */
  preset: z.string().optional(),
  source: z.string().min(1).optional(),
  /** First pull: records updated from this instant (ISO 8601). */
  since: z.string().default('1970-01-01T00:00:00Z'),
  pageSize: z.number().int().min(1).max(10_000).default(500),
  cron: z.string().default('*/5 * * * *'),
  /** Environment variables holding the credentials: a bearer token, or user and password / API token. */
  env: z
    .object({ token: z.string().optional(), user: z.string().optional(), password: z.string().optional() })
    .default({}),
  /** Jira: the zone of the API user's profile, in which JQL reads `updated >= "yyyy-MM-dd HH:mm"`. */
  jqlZone: z.string().default('UTC'),
  /** A page request with no complete answer in this time fails (and is retried): a hung server never stalls the pull. */
  timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
});
export type TicketPull = z.infer<typeof ticketPullSchema>;

/** The `ticketFeeds` section of ATTAIN_CONFIG: own mappings, the drop folder's preset, API pulls. */
export const ticketFeedsConfigSchema = z
  .object({
    /** Preset or mapping name the drop folder's files are read with. */
    dropPreset: z.string().min(1).default('generic'),
    /** Mappings for other tools, by name; usable wherever a preset name is (`--preset NAME`). */
    mappings: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'), ticketMappingSchema).default({}),
    pulls: z.array(ticketPullSchema).default([]),
    /** Largest feed file `POST /api/v1/feeds/tickets` accepts, in bytes (413 beyond); 200 MiB. */
    uploadMaxBytes: z.number().int().min(1).default(200 * 1024 * 1024),
  })
  .default({ dropPreset: 'generic', mappings: {}, pulls: [], uploadMaxBytes: 200 * 1024 * 1024 });
export type TicketFeedsConfig = z.infer<typeof ticketFeedsConfigSchema>;
