import { YEAR_MAX, YEAR_MIN } from '../calendar/dates.ts';

/**
 * Bounds on what a feed file may hold, checked while it streams and before a value reaches the
 * database (README, "Feed limits"). A line, field or value past a bound is quarantined with its
 * line and field and the file goes on; a gzip stream that inflates past its bound stops the run
 * with an error naming the file. Every reader takes `Partial<FeedLimits>` to override them.
 */
export type FeedLimits = {
  /** Longest line (or quoted record spanning lines) kept in memory, in characters: 1 MiB. */
  maxLineChars: number;
  /** Longest single field, in characters: 64 KiB (a description or a JSON blob, not a dump). */
  maxFieldChars: number;
  /** Most lines one quoted field may span before it is taken for a stray quote. */
  maxRecordLines: number;
  /** Most bytes a .gz file may inflate to: 4 GiB. */
  maxDecompressedBytes: number;
  /**
   * Most bytes out per byte in once past `inflationFloorBytes`: text CSVs and logs compress 4–20
   * times (the real exports in ../shared/data: 4.2, 8.2, 19); a gzip bomb, a thousand times.
   */
  maxInflationRatio: number;
  inflationFloorBytes: number;
};

export const defaultFeedLimits: FeedLimits = {
  maxLineChars: 1 << 20,
  maxFieldChars: 1 << 16,
  maxRecordLines: 5_000,
  maxDecompressedBytes: 4 * 1024 ** 3,
  maxInflationRatio: 200,
  inflationFloorBytes: 64 * 1024 ** 2,
};

export const feedLimits = (over?: Partial<FeedLimits>): FeedLimits => ({ ...defaultFeedLimits, ...over });

/** Longest identifier or name stored in an indexed text column (ids, queues, teams, agents): PostgreSQL's b-tree entries stop near 2,700 bytes. */
export const MAX_NAME_CHARS = 500;

/** Instants outside these years are typing errors (year 0000, 9999), and PostgreSQL refuses some of them. */
const MIN_MS = Date.UTC(YEAR_MIN, 0, 1);
const MAX_MS = Date.UTC(YEAR_MAX + 1, 0, 1);

/** A duration in seconds beyond a week is no call's wait, talk, hold or wrap. */
export const MAX_SECONDS = 7 * 86_400;

/** PostgreSQL `integer`. */
export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;

/** Why an instant (epoch ms) cannot be stored, or null. */
export function instantProblem(ms: number): string | null {
  if (!Number.isFinite(ms)) return 'not a valid instant';
  if (ms < MIN_MS || ms >= MAX_MS) return `year ${new Date(ms).getUTCFullYear()} is outside ${YEAR_MIN}–${YEAR_MAX}`;
  return null;
}

/** Why a text value cannot be stored in a text column (NUL, too long), or null. */
export function textProblem(text: string, max: number): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (byte 0), which a text column cannot hold';
  if (text.length > max) return `${text.length} characters, over the limit of ${max}`;
  return null;
}

/** Why a number of seconds cannot be stored, or null. */
export function secondsProblem(n: number): string | null {
  if (!Number.isFinite(n) || n < 0) return 'not a number of seconds ≥ 0';
  if (n > MAX_SECONDS) return `${n} s is over the limit of ${MAX_SECONDS} s (7 days)`;
  return null;
}

/** Why a whole number cannot go in an `integer` column, or null. */
export function integerProblem(n: number): string | null {
  if (!Number.isFinite(n)) return 'not a number';
  if (n < INT_MIN || n > INT_MAX) return `${n} is outside the integer range (${INT_MIN} to ${INT_MAX})`;
  return null;
}

const MAX_QUARANTINE_CHARS = 4_096;

/**
 * A line as the quarantine keeps it: NUL shown as `\0` (a text column refuses it), and cut to
 * 4 KiB with its full length said, so a 1 GiB line costs 4 KiB of the database.
 */
export function quarantineText(text: string): string {
  const cut = text.length > MAX_QUARANTINE_CHARS ? `${text.slice(0, MAX_QUARANTINE_CHARS)}… (${text.length} characters in all)` : text;
  return cut.includes('\u0000') ? cut.replaceAll('\u0000', '\\0') : cut;
}

/** A message (reason, warning) safe for a text or jsonb column: NUL shown as `\0`, at most 1,000 characters. */
export function safeMessage(text: string): string {
  const cut = text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
  return cut.includes('\u0000') ? cut.replaceAll('\u0000', '\\0') : cut;
}

/**
 * The short cause of a failed run, for `ingest_runs.error` and HTTP bodies: a feed file error's
 * own message; for a database error only its message and SQLSTATE (a driver's wrapper carries
 * the statement and every parameter of the batch, which must not leak); always naming the file.
 */
export function shortCause(file: string, e: unknown): string {
  let err = e as { message?: unknown; code?: unknown; cause?: unknown; name?: unknown } | undefined;
  if (err && err.name === 'FeedFileError' && typeof err.message === 'string') return safeMessage(err.message);
  // Drizzle's "Failed query: …" error keeps the driver's error as its cause.
  for (let i = 0; i < 5 && err && err.cause && typeof err.cause === 'object'; i += 1) err = err.cause as typeof err;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const firstLine = message.split('\n')[0]!;
  const sql = /^Failed query:/i.test(firstLine);
  const text = sql ? 'a database statement failed' : firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
  const code = typeof err?.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? ` (SQLSTATE ${err.code})` : '';
  return safeMessage(`${file}: ${text}${code}`);
}
