import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { SignedIn } from './signed-in.tsx';

/** The pages, in the order of the navigation. */
export const pageLinks = [
  { href: '/pages/team-leader', label: "Team leader's morning", key: 'team-leader' },
  { href: '/pages/supervisor', label: "Supervisor's day", key: 'supervisor' },
  { href: '/pages/availability', label: 'Availability', key: 'availability' },
] as const;

export const reportHref = (month: string) => `/api/v1/reports/monthly/${month}.html`;

// Colours: every text colour on its background is at least 4.5:1 (WCAG 2.2 AA); status is also
// spelt out in words and marked with a symbol, never colour alone.
const css = `
:root { --ink: #1b1b1b; --muted: #4a4f55; --line: #c9ccd1; --bg: #ffffff; --panel: #f4f5f7; --link: #0b4f9c;
  --green: #146c2e; --green-bg: #e3f4e8; --amber: #8a4b00; --amber-bg: #fff1d6; --red: #a4161a; --red-bg: #fde7e7; --grey-bg: #eceef1;
  font-family: system-ui, "Segoe UI", Arial, sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; line-height: 1.45; font-size: 16px; }
a { color: var(--link); } a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; box-shadow: 0 0 0 5px #0b0c0c; }
.skip { position: absolute; left: -999px; top: 0; background: #ffbf47; color: #0b0c0c; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { background: #1d2b3a; color: #fff; padding: .6rem 1.25rem; display: flex; flex-wrap: wrap; gap: .5rem 2rem; align-items: center; }
header.site a { color: #fff; } header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; }
header.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; margin: 0; padding: 0; }
header.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 2.5rem; }
h1 { font-size: 1.7rem; margin: .5rem 0 .25rem; } h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .4rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0 .4rem; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .55rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #8c9096; background: var(--panel); }
.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; font-weight: 600; padding: .05rem .45rem; border-radius: .3rem; white-space: nowrap; font-size: .9rem; border: 1px solid currentColor; }
.status.green { color: var(--green); background: var(--green-bg); } .status.amber { color: var(--amber); background: var(--amber-bg); }
.status.red { color: var(--red); background: var(--red-bg); } .status.no_data, .status.data_only { color: var(--muted); background: var(--grey-bg); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .75rem; list-style: none; padding: 0; margin: .5rem 0 1rem; }
.tile { border: 1px solid var(--line); border-left-width: 6px; border-radius: .4rem; padding: .6rem .8rem; background: #fff; }
.tile.green { border-left-color: var(--green); } .tile.amber { border-left-color: var(--amber); } .tile.red { border-left-color: var(--red); }
.tile .label { font-weight: 600; margin: 0; } .tile .value { font-size: 1.8rem; font-weight: 700; margin: .1rem 0; font-variant-numeric: tabular-nums; }
.tile .target { color: var(--muted); margin: 0 0 .3rem; font-size: .9rem; }
.chart { margin: .5rem 0; } .chart canvas { width: 100% !important; height: 280px !important; } figcaption { color: var(--muted); font-size: .9rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; list-style: none; padding: 0; }
.cards li { border: 1px solid var(--line); border-radius: .4rem; padding: .8rem 1rem; background: var(--panel); }
.cards a { font-weight: 700; font-size: 1.1rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: .75rem 0; }
label { font-weight: 600; display: block; margin-bottom: .2rem; }
select, button, input { font: inherit; padding: .35rem .6rem; border: 2px solid #4a4f55; border-radius: .25rem; background: #fff; color: var(--ink); }
button { background: #1d2b3a; color: #fff; border-color: #1d2b3a; cursor: pointer; }
header.site .signed-in { margin-left: auto; display: flex; gap: .5rem; align-items: center; } header.site .signed-in button { border-color: #fff; padding: .15rem .5rem; } header.site .sign-in { margin-left: auto; }
.timeline svg { width: 100%; height: auto; display: block; }
.legend { display: flex; gap: 1.25rem; flex-wrap: wrap; font-size: .9rem; margin: .25rem 0; }
.swatch { display: inline-block; width: 1rem; height: .8rem; vertical-align: middle; margin-right: .3rem; border: 1px solid #1b1b1b; }
.scroll { overflow-x: auto; }
footer.site { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 2rem; color: var(--muted); border-top: 1px solid var(--line); }
@media print { header.site nav, .skip, form.inline, footer.site { display: none; } header.site { background: none; color: #000; } header.site a { color: #000; } }
`;

const statusWords: Record<string, string> = {
  green: '✓ meets target',
  amber: '! just misses target',
  red: '✗ misses target',
  no_data: '– no data',
  data_only: 'no target',
};

/** A status in words and colour (never colour alone); the words fit "higher is better" and "lower is better" figures alike. */
export function Status(props: { status: string | null | undefined }) {
  const s = props.status ?? 'no_data';
  return (
    <span class={`status ${s}`} data-status={s}>
      {statusWords[s] ?? s}
    </span>
  );
}

export const pct = (x: number | null | undefined, dp = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(dp)}%`);
export const int = (x: number | null | undefined) => (x === null || x === undefined ? '–' : Math.round(x).toLocaleString('en-GB'));
/** Seconds as m:ss (h:mm:ss from an hour). */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
export const monthName = (m: string) => new Date(`${m}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
export const dayName = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
export const localTime = (iso: string | null | undefined, zone: string) =>
  iso ? new Date(iso).toLocaleString('en-GB', { timeZone: zone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' }) : '–';

/** JSON for a `<script type="application/json">` block: `<` escaped so no text can close it. */
export const jsonScript = (id: string, data: unknown) => (
  <script type="application/json" id={id}>
    {raw(JSON.stringify(data).replace(/</g, '\\u003c'))}
  </script>
);

/** A chart drawn by /assets/pages.js from a JSON block; the figures are always in a table too. */
export function Chart(props: { id: string; label: string; data: unknown }) {
  return (
    <figure class="chart">
      <canvas id={props.id} data-chart={`${props.id}-data`} role="img" aria-label={`${props.label} (the figures are in the table below)`}></canvas>
      <figcaption>{props.label}. The same figures are in the table below.</figcaption>
      {jsonScript(`${props.id}-data`, props.data)}
    </figure>
  );
}

export function Layout(props: { title: string; current?: string; reportMonth: string; children: Child; charts?: boolean }) {
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="data:," />
        <title>{`${props.title} — attain`}</title>
        <style>{raw(css)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <a class="brand" href="/">
            attain
          </a>
          <nav aria-label="Pages">
            <ul>
              {pageLinks.map((p) => (
                <li>
                  <a href={p.href} aria-current={props.current === p.key ? 'page' : undefined}>
                    {p.label}
                  </a>
                </li>
              ))}
              <li>
                <a href={reportHref(props.reportMonth)}>Monthly report ({monthName(props.reportMonth)})</a>
              </li>
              <li>
                <a href="/docs">API</a>
              </li>
            </ul>
          </nav>
          <SignedIn />
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site">
          <p>
            Figures are the API's own (the same computation serves both). Printable monthly report:{' '}
            <a href={reportHref(props.reportMonth)}>{monthName(props.reportMonth)}</a>.
          </p>
        </footer>
        {props.charts ? <script src="/assets/chart.umd.min.js" defer></script> : ''}
        <script src="/assets/pages.js" defer></script>
      </body>
    </html>
  );
}

/**
 * A page's error (a bad query parameter, an unknown queue): an HTML page with the same status,
 * code and message the API would give in JSON, so a person sees what to change.
 */
export function ErrorPage(props: { status: number; code: string; message: string; field?: string; reportMonth: string; children?: Child }) {
  const title = props.status === 404 ? 'Not found' : props.status >= 500 ? 'Something went wrong' : 'Cannot show this page';
  return (
    <Layout title={title} reportMonth={props.reportMonth}>
      <h1>{title}</h1>
      <p role="alert" id="error-message" data-code={props.code} data-field={props.field ?? ''}>
        {props.message}
      </p>
      {props.children ?? ''}
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </Layout>
  );
}
