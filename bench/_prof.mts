import { openDatabase } from '../db/client.ts';
import { appConfigSchema } from '../src/config/app-config.ts';
import { createApp } from '../src/http/app.ts';
const h = await openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/attain_bench', max: 4 });
const config = appConfigSchema.parse({});
const now = new Date();
const app = createApp({ db: h.db, dbKind: 'postgres', config, now: () => now, log: () => {} });
const month = now.toISOString().slice(0, 7);
const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
const paths = process.argv.slice(2).length ? process.argv.slice(2) : [
  `/api/v1/sla/attainment?grain=month&by=team`, '/api/v1/sla/today',
  `/api/v1/sla/tickets?measure=breached&from=${prev}&to=${prev}&team=Team%2007`,
  `/api/v1/calls/kpis?grain=interval&interval=15&from=${now.toISOString().slice(0, 10)}`, '/api/v1/calls/now',
  `/api/v1/availability?grain=month&from=${month}&to=${month}`, `/api/v1/reports/monthly/${prev}`];
for (const p of paths) {
  const ts = [];
  let body = '';
  for (let i = 0; i < 3; i++) { const t0 = performance.now(); const r = await app.request(p); body = await r.text(); ts.push(Math.round(performance.now() - t0)); if (r.status !== 200) console.log(r.status, body.slice(0, 200)); }
  console.log(p, ts.join(' / '), 'ms', body.length, 'bytes');
}
await h.close();
