import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot as root } from './shared-data.ts';

export type AttainEnd = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type AttainProcess = {
  pid: number;
  done: Promise<AttainEnd>;
  /** Resolves with stderr once it matches `pattern`; fails if the process ends first or after `timeoutMs`. */
  stderrMatches(pattern: RegExp, timeoutMs: number): Promise<string>;
  exited(): boolean;
};

const started = new Set<AttainProcess>();

/**
 * `attain ARGS` as the installed command runs it: bin/attain.js runs the command in the very
 * process spawned (tsx's loader, no child in between), so its pid is the one holding an
 * embedded data folder's lock and a SIGKILL to it leaves nothing running. `env` is laid over
 * this process's environment without DATABASE_URL, REDIS_URL and ATTAIN_CONFIG.
 */
export function runAttain(args: string[], env: Record<string, string>): AttainProcess {
  const { DATABASE_URL: _db, REDIS_URL: _redis, ATTAIN_CONFIG: _cfg, ...base } = process.env;
  const child = spawn(process.execPath, [path.join(root, 'bin/attain.js'), ...args], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters = new Set<() => void>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of waiters) w();
  });
  const done = new Promise<AttainEnd>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const proc: AttainProcess = {
    pid: child.pid!,
    done,
    exited: () => ended,
    stderrMatches: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`attain ${args.join(' ')}: no ${pattern} on stderr in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
        const finish = (e?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve(stderr);
        };
        const check = () => {
          if (pattern.test(stderr)) finish();
          else if (ended) finish(new Error(`attain ${args.join(' ')} ended before ${pattern} on stderr: ${stdout}${stderr}`));
        };
        waiters.add(check);
        check();
      }),
  };
  started.add(proc);
  void done.finally(() => started.delete(proc));
  return proc;
}

/** SIGKILLs every `attain` this test process started that still runs (a failed test's leftovers). */
export function killStartedAttain(): void {
  for (const p of started) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
