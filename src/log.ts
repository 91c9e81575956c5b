/**
 * The one logger (pino). Logs go to stderr, never stdout: a command's result (a report, a KPI
 * feed, a list of runs) is on stdout and may be piped into a file.
 *
 * - `LOG_LEVEL`: trace, debug, info (default), warn, error, fatal or silent.
 * - `LOG_FORMAT`: `json` (one JSON object a line, pino's own format: for a supervisor or a log
 *   shipper) or `text` (`HH:MM:SS level message key=value`, for a person at a terminal). Default:
 *   text when stderr is a terminal, JSON otherwise (a service under systemd or in a container).
 */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The level and format from the environment; an unknown value is named, not silently ignored. */
export function logSettings(env: NodeJS.ProcessEnv = process.env, tty = Boolean(process.stderr.isTTY)): { level: (typeof levels)[number]; format: 'json' | 'text' } {
  const level = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as (typeof levels)[number];
  if (!levels.includes(level)) throw new Error(`environment variable LOG_LEVEL: expected one of ${levels.join(', ')} (got "${env.LOG_LEVEL}")`);
  const format = env.LOG_FORMAT?.trim().toLowerCase() || (tty ? 'text' : 'json');
  if (format !== 'json' && format !== 'text') throw new Error(`environment variable LOG_FORMAT: expected json or text (got "${env.LOG_FORMAT}")`);
  return { level, format };
}

const names: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino JSON line as `HH:MM:SS level message key=value …` (the error's stack on the lines after). */
export function textLine(json: string): string {
  const { level, time, msg, err, pid: _pid, hostname: _host, ...rest } = JSON.parse(json) as Record<string, unknown>;
  const clock = new Date(Number(time)).toISOString().slice(11, 19);
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const stack = err && typeof err === 'object' ? `\n${String((err as { stack?: string }).stack ?? (err as { message?: string }).message)}` : '';
  return `${clock} ${names[Number(level)] ?? level} ${String(msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}${stack}\n`;
}

/** A logger for these settings writing to `out` (stderr by default; tests pass their own stream). */
export function createLogger(settings = logSettings(), out: NodeJS.WritableStream = process.stderr): Logger {
  const opts = { level: settings.level, base: { pid: process.pid }, serializers: { err: pino.stdSerializers.err } };
  // Synchronous on stderr: a line written just before `process.exit` is not lost.
  if (settings.format === 'json') return pino(opts, out === process.stderr ? pino.destination({ dest: 2, sync: true }) : out);
  const text = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) out.write(textLine(line));
      done();
    },
  });
  return pino(opts, text);
}

/** The process's logger: jobs, the server and the commands' diagnostics. */
export const logger: Logger = createLogger(processSettings());

/** A bad LOG_LEVEL or LOG_FORMAT stops the process with the variable named, like every other setting (src/config/env.ts). */
function processSettings() {
  try {
    return logSettings();
  } catch (e) {
    process.stderr.write(`attain: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
