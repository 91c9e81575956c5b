/**
 * One availability probe (METRICS.md §4): an HTTP GET expecting a status, or a TCP connect.
 * Every check ends within its timeout and never throws: an unreachable host, a failed DNS
 * lookup and a slow answer are all a failed sample with a reason.
 */
import net from 'node:net';
import type { ProbeSpec } from '../../availability/config.ts';

export type ProbeResult = { ok: boolean; detail: string; ms: number };

/** The error code of a failed fetch or socket (ECONNREFUSED, ENOTFOUND…), from the error or its cause. */
function errorCode(e: unknown): string {
  const err = e as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.code ?? err.cause?.message ?? err.message ?? String(e);
}

const describe = (code: string, timeoutMs: number): string => {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'TIMEOUT') return `no answer within ${timeoutMs} ms`;
  return code;
};

export async function checkHttp(url: string, expectedStatus: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    // The timeout covers the whole answer (headers and body), so a server that trickles is down too.
    const signal = AbortSignal.timeout(timeoutMs);
    const res = await fetch(url, { signal, redirect: 'manual', headers: { 'user-agent': 'attain-probe' } });
    await res.arrayBuffer();
    if (res.status === expectedStatus) return { ok: true, detail: `HTTP ${res.status} in ${ms()} ms`, ms: ms() };
    return { ok: false, detail: `HTTP ${res.status} (expected ${expectedStatus})`, ms: ms() };
  } catch (e) {
    const name = (e as { name?: string }).name;
    const code = name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : errorCode(e);
    return { ok: false, detail: describe(code, timeoutMs), ms: ms() };
  }
}

export function checkTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host, port });
    const done = (r: Omit<ProbeResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...r, ms: ms() });
    };
    // A timer rather than socket.setTimeout: it also bounds a slow DNS lookup.
    const timer = setTimeout(() => done({ ok: false, detail: describe('TIMEOUT', timeoutMs) }), timeoutMs);
    socket.once('connect', () => done({ ok: true, detail: `TCP connect in ${ms()} ms` }));
    socket.once('error', (e) => done({ ok: false, detail: describe(errorCode(e), timeoutMs) }));
  });
}

/** Runs the probe a system is configured with. */
export function runProbe(probe: ProbeSpec): Promise<ProbeResult> {
  if ('http' in probe) return checkHttp(probe.http, probe.expectedStatus, probe.timeoutMs);
  return checkTcp(probe.tcp.host, probe.tcp.port, probe.timeoutMs);
}
