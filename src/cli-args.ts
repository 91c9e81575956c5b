/**
 * Every command's options, read by `node:util` `parseArgs` in strict mode: an unknown flag or a
 * flag without its value is a usage error that names it and the help to read (exit status 2),
 * never silently ignored. The help text is built from the same table, so the two cannot drift.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how a command was called: `attain: <message>` on stderr and exit status 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
export type CommandSpec = {
  /** The usage lines `attain help` shows (first line the syntax, the rest indented explanation). */
  help: string;
  options: Options;
  /** How many positional arguments the command takes (after its name, and its feed for `ingest`). */
  positionals: [min: number, max: number];
};

const s = { type: 'string' } as const;
const none = { options: {}, positionals: [0, 0] as [number, number] };

/** The commands, in the order of the help; `ingest` has one entry per feed. */
export const commands = {
  start: { help: 'start                      migrate, write demo feeds if the drop folder is empty, schedule, work, serve', ...none },
  serve: { help: 'serve                      HTTP API only (PORT, default 3000)', ...none },
  scheduler: { help: 'scheduler                  enqueue scheduled job slots on BullMQ (needs REDIS_URL)', ...none },
  worker: { help: 'worker                     consume BullMQ jobs (needs REDIS_URL)', ...none },
  migrate: { help: 'migrate                    apply database migrations', ...none },
  demo: { help: 'demo                       write the demo ticket and contact-centre feeds into the drop folders', ...none },
  'ingest tickets': {
    help: `ingest tickets FILE [--preset NAME] [--source NAME]
                             ingest a ticket CSV (.csv or .csv.gz): generic, or a tool's export via a preset
                             (servicenow-incident, servicenow-requested-item, servicenow-event-log, jira-sm, rabobank-itil, or a configured mapping)`,
    options: { preset: s, source: s },
    positionals: [1, 1],
  },
  runs: { help: 'runs [--limit N] [--feed NAME]\n                             list recent ingest runs (newest first; of one feed with --feed)', options: { limit: s, feed: s }, positionals: [0, 0] },
  rejected: { help: 'rejected RUN               list the rejected rows of an ingest run (line, field, reason, raw)', options: {}, positionals: [0, 1] },
  'ingest ticket-history': { help: 'ingest ticket-history FILE ingest status/priority history (id, at, field, value)', options: {}, positionals: [1, 1] },
  'ingest outages': { help: 'ingest outages FILE        ingest outage records (system, start, end, kind, reason, ref)', options: {}, positionals: [1, 1] },
  'ingest cases': {
    help: `ingest cases FILE [--preset NAME] [--source NAME]
                             ingest casework (complaints, FOI/EIR/FOISA, SAR, member enquiries)`,
    options: { preset: s, source: s },
    positionals: [1, 1],
  },
  'ingest calls': {
    help: `ingest calls FILE [--format queue_log|csv|anonymous-bank] [--source NAME] [--zone ZONE]
                             ingest an Asterisk queue_log or a calls CSV, then compute call figures`,
    options: { format: s, source: s, zone: s },
    positionals: [1, 1],
  },
  'ingest emails': { help: 'ingest emails FILE [--source NAME] [--zone ZONE] [--format csv]\n                             ingest email contacts (id, mailbox, received_at, processed_at)', options: { source: s, zone: s, format: s }, positionals: [1, 1] },
  'ingest actions': {
    help: `ingest actions FILE [--preset NAME] [--plan CODE] [--title TEXT]
                             ingest a service plan's action export (preset pentana or generic)`,
    options: { preset: s, plan: s, title: s },
    positionals: [1, 1],
  },
  'ingest measures': { help: 'ingest measures FILE       ingest supplied measure values (code, period, value, numerator, denominator, note, benchmark)', options: {}, positionals: [1, 1] },
  compute: { help: 'compute                    evaluate changed and open tickets (SLA state)', ...none },
  verify: { help: 'verify                     recount the SLA attainment counts from the per-ticket state; non-zero exit on a difference', ...none },
  keys: { help: 'keys create NAME [--role viewer|ingest|admin] | keys list | keys revoke ID|PREFIX\n                             create, list or revoke API keys', options: { role: s }, positionals: [1, 2] },
  report: {
    help: `report MONTH [--format json|csv|html] [--out FILE]
                             the monthly performance report (html: printable page with charts)`,
    options: { format: s, out: s },
    positionals: [1, 1],
  },
  'kpi-feed': {
    help: `kpi-feed MONTH [--format csv|json] [--revision N] [--out FILE]
                             build (new revision if changed) and print the month's KPI feed`,
    options: { format: s, revision: s, out: s },
    positionals: [1, 1],
  },
  publish: {
    help: `publish MONTH [--republish]
                             freeze the month's report and KPI feed as issued (again, as a new version, with --republish)`,
    options: { republish: { type: 'boolean' } },
    positionals: [1, 1],
  },
} as const satisfies Record<string, CommandSpec>;
export type CommandName = keyof typeof commands;

const environment = `Environment: DATABASE_URL (PostgreSQL; embedded PGlite in ATTAIN_DATA_DIR otherwise), REDIS_URL,
PORT, ATTAIN_DATA_DIR (default ./data), ATTAIN_CONFIG (JSON configuration file),
LOG_LEVEL (trace|debug|info|warn|error|silent, default info), LOG_FORMAT (json|text).`;

/** `attain help`, or `attain help TOPIC` (a command, or `ingest` for every feed). */
export function helpText(topic?: string): string {
  const names = Object.keys(commands) as CommandName[];
  const chosen = topic ? names.filter((n) => n === topic || n.split(' ')[0] === topic) : names;
  if (topic && chosen.length === 0) throw new UsageError(`no help for "${topic}"; run \`attain help\` for the list of commands`);
  const lines = chosen.map((n) => `  ${commands[n].help}`).join('\n');
  return topic ? `Usage: attain ${chosen.map((n) => commands[n].help).join('\n       attain ')}` : `attain: service-desk and contact-centre metrics monitor\n\nUsage: attain <command> [options]\n${lines}\n  help [COMMAND]             this text, or one command's\n${environment}`;
}

type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>;

/**
 * Reads `args` (what follows the command's name) against the command's options. `--help` / `-h`
 * anywhere asks for the command's help: `{ help: true }` comes back and nothing else is checked.
 */
export function parseCommand<N extends CommandName>(name: N, args: string[]): { help: true } | { help: false; values: Parsed<(typeof commands)[N]['options']>['values']; positionals: string[] } {
  const spec: CommandSpec = commands[name];
  const topic = name.split(' ')[0];
  const next = `run \`attain help ${topic}\``;
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(`${parseErrorText(e as Error & { code?: string })}; ${next}`);
  }
  const [min, max] = spec.positionals;
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}" for \`attain ${name}\`; ${next}`);
  if (parsed.positionals.length < min) throw new UsageError(`missing argument for \`attain ${name}\`; usage: attain ${spec.help.split('\n')[0]!.replace(/\s{2,}.*$/, '')}`);
  return { help: false, values: parsed.values as never, positionals: parsed.positionals };
}

/** parseArgs' own messages are long and suggest `--`; ours name the option in the user's words. */
function parseErrorText(e: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(e.message)?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option ?? e.message}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/ambiguous/.test(e.message)) return `option ${option} takes a value starting with "-"; write it as ${option}=VALUE`;
    if (/does not take an argument/.test(e.message)) return `option ${option} takes no value`;
    return `option ${option} needs a value`;
  }
  return e.message;
}
