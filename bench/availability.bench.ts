// npm run bench:availability [systems=100] [runs=5] [--postgres URL]
// 100 systems with one-minute probe samples for a year (2025), compacted into runs of equal
// state and stored (PGlite in memory by default, or a PostgreSQL database given by URL); then
// the monthly availability of all systems is computed from the store, median of several runs.
// Prints samples, stored rows and bytes, and the compute times.
import os from 'node:os';
import { openDatabase } from '../db/client.ts';
import { compactSamples, probeOutages, type ProbeRun } from '../src/availability/compute.ts';
import { systemSpecSchema } from '../src/availability/config.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { createRandom, hashSeed } from '../src/demo/random.ts';
import { availabilityReport } from '../src/reports/availability.ts';
import { availabilityStorage, insertProbeRuns, listSystems, syncConfiguredSystems, upsertOutages } from '../src/store/availability.ts';

const args = process.argv.slice(2);
const pgIndex = args.indexOf('--postgres');
const pgUrl = pgIndex >= 0 ? args[pgIndex + 1] : undefined;
const positional = pgIndex >= 0 ? args.filter((_, i) => i !== pgIndex && i !== pgIndex + 1) : args;
const systemCount = Number(positional[0] ?? 100);
const runs = Number(positional[1] ?? 5);

const MIN = 60_000;
const yearStart = Date.parse('2025-01-01T00:00:00Z');
const yearEnd = Date.parse('2026-01-01T00:00:00Z');
const now = new Date(yearEnd);

/**
 * One system's samples for the year: every minute, with outages (about weekly, 2–240 min),
 * isolated failed samples (about daily, below the 2-failure threshold) and probe gaps (about
 * monthly, 5–60 min without samples).
 */
function* samples(system: number): Generator<{ at: number; ok: boolean }> {
  const rnd = createRandom(hashSeed(7, system));
  let nextOutage = yearStart + rnd.exponential(7 * 1440) * MIN;
  let nextBlip = yearStart + rnd.exponential(1440) * MIN;
  let nextGap = yearStart + rnd.exponential(30 * 1440) * MIN;
  let downUntil = 0;
  for (let t = yearStart; t < yearEnd; t += MIN) {
    if (t >= nextGap) {
      t += Math.round(5 + rnd.next() * 55) * MIN;
      nextGap = t + rnd.exponential(30 * 1440) * MIN;
      continue;
    }
    if (t >= nextOutage) {
      downUntil = t + Math.round(2 + rnd.next() * 238) * MIN;
      nextOutage = downUntil + rnd.exponential(7 * 1440) * MIN;
    }
    let ok = t >= downUntil;
    if (ok && t >= nextBlip) {
      ok = false;
      nextBlip = t + rnd.exponential(1440) * MIN;
    }
    yield { at: t, ok };
  }
}

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const handle = await openDatabase(pgUrl ? { url: pgUrl } : { pgliteDir: 'memory://' });
  await handle.migrate();
  const db = handle.db;
  const specs = Array.from({ length: systemCount }, (_, i) =>
    // The probe is configuration only here: the benchmark never sends a request.
    systemSpecSchema.parse({ name: `System ${String(i + 1).padStart(3, '0')}`, weight: 1 + (i % 3), probe: { http: 'http://127.0.0.1:9/health' } }),
  );
  const config = appConfigSchema.parse({ systems: specs });
  await syncConfiguredSystems(db, specs);
  const systems = await listSystems(db);

  let sampleCount = 0;
  let runCount = 0;
  const tGen = performance.now();
  for (const [i, s] of systems.entries()) {
    const counted = (function* () {
      for (const x of samples(i)) {
        sampleCount++;
        yield x;
      }
    })();
    const r: ProbeRun[] = compactSamples(counted, MIN);
    runCount += r.length;
    await insertProbeRuns(db, s.id, r);
    await upsertOutages(
      db,
      probeOutages(r, 2).map((o) => ({ systemId: s.id, startAt: new Date(o.start), endAt: o.end === null ? null : new Date(o.end), kind: 'unplanned' as const, source: 'probe' as const })),
    );
  }
  const genMs = performance.now() - tGen;
  const storage = await availabilityStorage(db);

  const time = async (label: string, q: { grain: 'day' | 'month'; from: string; to: string }) => {
    const ts: number[] = [];
    let rows = 0;
    for (let k = 0; k < runs; k++) {
      const t0 = performance.now();
      const report = await availabilityReport(db, config, q, now);
      ts.push(performance.now() - t0);
      rows = report.rows.length;
    }
    console.log(`  ${label.padEnd(44)} ${median(ts).toFixed(1).padStart(8)} ms  (${rows} system rows; median of ${runs})`);
    return median(ts);
  };

  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; database: ${handle.kind}`);
  console.log(`samples: ${sampleCount.toLocaleString('en-GB')} one-minute samples of ${systemCount} systems for 2025 (generated, compacted and stored in ${(genMs / 1000).toFixed(1)} s)`);
  console.log(`stored:  probe_runs ${storage.probeRuns.rows.toLocaleString('en-GB')} rows, ${mib(storage.probeRuns.bytes)}; outages ${storage.outages.rows.toLocaleString('en-GB')} rows, ${mib(storage.outages.bytes)}`);
  console.log(`         ${(sampleCount / runCount).toFixed(0)} samples per stored row`);
  console.log('compute (from the store, all systems):');
  await time('one month (2025-12), monthly', { grain: 'month', from: '2025-12-01', to: '2025-12-31' });
  await time('one month (2025-12), daily', { grain: 'day', from: '2025-12-01', to: '2025-12-31' });
  await time('twelve months (2025), monthly', { grain: 'month', from: '2025-01-01', to: '2025-12-31' });
  const rss = process.memoryUsage().rss;
  console.log(`peak-ish RSS: ${mib(rss)}`);
  await handle.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
