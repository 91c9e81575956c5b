/**
 * The demo's service plan and supplied measure values (issue 14): a Pentana-shaped action export
 * and a measures file, dated around today, so every section of the committee report is filled.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../db/client.ts';
import { addDays, localDayKey } from '../calendar/zone.ts';
import type { AppConfig } from '../config/app-config.ts';
import { reportingZone } from '../config/calendars.ts';
import { previousPeriod, reportPeriodFor } from '../measures/periods.ts';
import { ingestMeasuresFile } from '../services/measures.ts';
import { ingestActionsFile } from '../services/plans.ts';
import { addMeasureCommentary } from '../store/measures.ts';
import { listPlans } from '../store/plans.ts';
import { csvLine } from '../feeds/csv-line.ts';

const uk = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
const S4 = 'Section 4: Strategic Level Outcomes';
const S5 = 'Section 5: Service Level Outcomes';

/** The action export: a financial year's plan (April to March) holding today, with every status represented. */
export function demoPlanCsv(today: string): string {
  const fyStart = `${Number(today.slice(5, 7)) >= 4 ? today.slice(0, 4) : Number(today.slice(0, 4)) - 1}-04-01`;
  const fyEnd = `${Number(fyStart.slice(0, 4)) + 1}-03-31`;
  const ago = (n: number) => uk(addDays(today, -n));
  const head = ['Action Code', 'Action Title', 'Priority', 'Desired Outcome', 'Start Date', 'Due Date', 'Latest Status Update', 'Progress', 'Status Icon', 'Section', 'Parent', 'Type', 'Owner', 'Updated'];
  const a = (code: string, title: string, pri: string, outcome: string, start: string, due: string, update: string, progress: string, icon: string, section: string, owner: string, updated: string, parent = '', type = 'Action') =>
    [code, title, pri, outcome, uk(start), uk(due), update, progress, icon, section, parent, type, owner, updated];
  const rows = [
    a('ICT4.1', 'Deliver the digital strategy', '1', 'More services online', fyStart, fyEnd, 'Business cases approved; procurement under way', '72%', 'In Progress', S4, 'Head of ICT', ago(10)),
    a('ICT4.2', 'Replace the telephony platform', '1', 'Resilient contact channels', fyStart, fyEnd, 'Specification drafted', '10%', 'Check Progress', S4, 'ICT Infrastructure Manager', ago(12)),
    a('ICT4.3', 'Improve cyber resilience', '1', 'Accreditation kept', fyStart, fyEnd, 'Penetration-test fixes 65% done', '65%', 'In Progress', S4, 'Information Security Officer', ago(5)),
    a('ICT4.4', 'Data centre exit', 'Ongoing', 'Lower running costs', fyStart, fyEnd, 'Two of four milestones met', '', 'In Progress', S4, 'Head of ICT', ago(8)),
    a('M4.4.1', 'Contract signed', '1', '', fyStart, addDays(fyStart, 90), 'Signed', '100%', 'Completed', S4, 'Head of ICT', ago(150), 'ICT4.4', 'Milestone'),
    a('M4.4.2', 'Servers moved', '1', '', fyStart, addDays(fyStart, 180), 'Done', '100%', 'Completed', S4, 'Head of ICT', ago(60), 'ICT4.4', 'Milestone'),
    a('M4.4.3', 'Storage moved', '1', '', fyStart, addDays(fyStart, 270), '', '0%', 'Not Started', S4, 'Head of ICT', ago(8), 'ICT4.4', 'Milestone'),
    a('M4.4.4', 'Site closed', '1', '', fyStart, fyEnd, '', '0%', 'Not Started', S4, 'Head of ICT', ago(8), 'ICT4.4', 'Milestone'),
    a('ICT5.1', 'Refresh end-user devices', '2', 'Devices within lifecycle', fyStart, fyEnd, 'Wave 2 of 5 complete', '40%', 'In Progress', S5, 'Service Desk Manager', ago(7)),
    a('ICT5.2', 'Review the service catalogue', '3', 'Clear service offer', fyStart, fyEnd, 'Workshops held', '58%', 'In Progress', S5, 'Service Desk Manager', ago(7)),
    a('ICT5.3', 'Publish the ICT strategy refresh', '2', 'Clear direction', addDays(today, -300), addDays(today, -20), 'Draft at consultation', '30%', 'Overdue', S5, 'Head of ICT', ago(25)),
    a('ICT5.4', 'Patch compliance reporting', 'Ongoing', 'Devices patched within 14 days', fyStart, fyEnd, 'Reporting in place', '40%', 'In Progress', S5, 'Infrastructure Manager', ago(120)),
    a('ICT5.5', 'Asset register', '2', 'Every asset recorded', fyStart, fyEnd, 'Scanning tool bought', '60%', 'In Progress', S5, '', ago(9)),
    a('ICT5.6', 'Contact-centre agent training', '3', 'Agents trained on the new platform', addDays(today, 10), fyEnd, '', '0%', 'Assigned', S5, 'Contact Centre Manager', ago(9)),
    a('ICT5.7', 'Email migration', '2', 'Resilient email', addDays(today, -300), addDays(today, -40), 'Migration finished', '100%', 'Completed', S5, 'Head of ICT', ago(40)),
    a('ICT5.8', 'Intranet replacement', '3', 'Staff find information', fyStart, fyEnd, 'Stopped by the budget review', '20%', 'Cancelled', S5, 'Web Manager', ago(30)),
  ];
  return csvLine(head) + rows.map((r) => csvLine(r)).join('');
}

/**
 * Supplied values for the success measures: six quarters, three years, fourteen months of the
 * casework measures (so both directions of travel show), with benchmarks where published.
 */
export function demoMeasureCsv(today: string): string {
  const month = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7); // the report's month: last month
  const rows: (string | number)[][] = [];
  const back = (p: string, n: number) => {
    const out = [p];
    while (out.length < n) out.unshift(previousPeriod(out[0]!));
    return out;
  };
  const wave = (i: number, base: number, amp: number) => +(base + amp * Math.sin(i * 1.3)).toFixed(3);
  back(reportPeriodFor('quarterly', month), 6).forEach((q, i) => {
    rows.push(['HR-EXIT', q, '', Math.round(wave(i, 18, 1.5)), 20, '', '']);
    rows.push(['HR-TRAINING', q, wave(i, 0.46, 0.06), '', '', '', '']);
  });
  back(reportPeriodFor('annual', month), 3).forEach((y, i) => {
    rows.push(['HR-APPRAISAL', y, wave(i, 0.9, 0.05), '', '', '', '']);
    rows.push(['HR-SICKNESS', y, wave(i, 9.3, 0.8), '', '', 'days per FTE', 10.1]);
  });
  back(month, 14).forEach((m, i) => {
    // The casework measures are computed from the demo's casework feed: only a benchmark is supplied.
    rows.push(['CW-STAGE1', m, '', '', '', '', 0.79]);
    // Web contacts growing, face-to-face falling: the shift the section shows.
    rows.push(['CH-WEB', m, 900 + 60 * i, '', '', '', '']);
    rows.push(['CH-F2F', m, Math.max(100, 500 - 25 * i), '', '', '', '']);
  });
  return csvLine(['code', 'period', 'value', 'numerator', 'denominator', 'note', 'benchmark']) + rows.map((r) => csvLine(r)).join('');
}

/** On a first start without plans: writes both files under `demo/` and ingests them through the real paths. */
export async function writeDemoPlanIfEmpty(db: Db, config: AppConfig, dataDir: string, now: Date): Promise<string[]> {
  if ((await listPlans(db)).length > 0) return [];
  const today = localDayKey(reportingZone(config), now.getTime());
  const dir = path.join(dataDir, 'demo');
  await mkdir(dir, { recursive: true });
  const plan = path.join(dir, `demo-service-plan-${today}.csv`);
  const measures = path.join(dir, `demo-measures-${today}.csv`);
  await writeFile(plan, demoPlanCsv(today));
  await writeFile(measures, demoMeasureCsv(today));
  await ingestActionsFile(db, plan, config, { plan: 'ICT-SERVICE-PLAN', title: 'ICT and Contact Centre Service Plan', today });
  await ingestMeasuresFile(db, measures, config);
  const month = addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
  const q = reportPeriodFor('quarterly', month);
  await addMeasureCommentary(db, {
    code: 'HR-TRAINING', period: q, author: 'demo', at: now,
    commentary: 'Two teams are behind on the data-protection module after the platform change.',
    correctiveAction: 'Managers to book the remaining staff on the January sessions.',
  });
  return [plan, measures];
}
