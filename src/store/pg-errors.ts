/**
 * What kind of database failure an error is, read from the PostgreSQL SQLSTATE or the socket
 * error code anywhere on its `cause` chain (drizzle wraps the driver's error as `cause`).
 */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // An AggregateError (several addresses refused) carries its causes in `errors`.
    for (const inner of (cur as { errors?: unknown[] }).errors ?? []) {
      const c = (inner as { code?: unknown })?.code;
      if (typeof c === 'string') codes.push(c);
    }
  }
  return codes;
}

const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);

/**
 * The database cannot be reached or refuses connections for now: class 08 (connection
 * exception), 57P01–57P03 (shut down, terminated, cannot connect now), 53300 (too many
 * connections), 55000 raised at connect ("database is not currently accepting connections"),
 * or the socket failing. Retrying later can succeed; it says nothing about the job's input.
 */
export function isDatabaseUnreachable(e: unknown): boolean {
  return codesOf(e).some((c) => socketCodes.has(c) || c.startsWith('08') || c === '57P01' || c === '57P02' || c === '57P03' || c === '53300' || c === '55000');
}

/** A unique key already held (23505): for a plain insert tried before a merge. */
export function isUniqueViolation(e: unknown): boolean {
  return codesOf(e).includes('23505');
}

/** A deadlock (40P01) or serialization failure (40001): the transaction may simply be retried. */
export function isRetryableConflict(e: unknown): boolean {
  return codesOf(e).some((c) => c === '40P01' || c === '40001');
}

/**
 * The driver's own reason, without the statement or its parameters (drizzle's "Failed query: …"
 * message carries both): the innermost cause's message and its code, e.g.
 * `database "x" is not currently accepting connections (55000)`.
 */
export function databaseReason(e: unknown): string {
  let cur = e as { message?: string; code?: unknown; cause?: unknown };
  for (let depth = 0; cur?.cause && typeof cur.cause === 'object' && depth < 8; depth++) cur = cur.cause as typeof cur;
  const code = typeof cur?.code === 'string' ? ` (${cur.code})` : '';
  return `${cur?.message ?? String(e)}${code}`;
}
