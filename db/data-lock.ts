import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds an embedded data folder: written to `<folder>.lock` by the process that opened it. */
export type LockHolder = { pid: number; host: string; command: string; port?: number; since: string };

/** The embedded database is open in another live process: PGlite is single-process. */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    const where = holder.port ? `, serving http://localhost:${holder.port}` : '';
    super(
      `the embedded database ${folder} is open by \`attain ${holder.command}\` (pid ${holder.pid}${where}, since ${holder.since}); ` +
        `PGlite allows one process, so this command would not be seen by it (or could corrupt it). ` +
        `Stop that process first (kill ${holder.pid}), then run this command again; or run both against PostgreSQL (DATABASE_URL).`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined; // gone, or half written by a process that died
  }
}

/**
 * Takes the lock of an embedded data folder (`<folder>.lock`, a pid file created exclusively) or
 * throws DatabaseInUseError naming the live holder. A lock whose process is gone (killed, even
 * with SIGKILL) is taken over. Released on `release()` and when this process exits.
 */
export function lockDataFolder(folder: string, who: { command: string; port?: number }): { release: () => void } {
  const file = `${folder}.lock`;
  const mine: LockHolder = { pid: process.pid, host: hostname(), command: who.command, port: who.port, since: new Date().toISOString() };
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 3) throw e;
      const holder = readHolder(file);
      if (holder && holder.pid === process.pid) break; // this process opened it before
      // Another host's lock (a shared folder) cannot be checked: trust it.
      if (holder && (holder.host !== mine.host || alive(holder.pid))) throw new DatabaseInUseError(folder, holder);
      try {
        unlinkSync(file);
      } catch {
        // another process removed the stale lock first: try again
      }
    }
  }
  const release = () => {
    if (readHolder(file)?.pid !== process.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
    process.off('exit', release);
  };
  process.on('exit', release);
  return { release };
}
