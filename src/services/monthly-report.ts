import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { buildMonthlyReport, fetchMonthlyFigures, type MonthlyReport } from '../reports/monthly.ts';
import { flagMonthlyReport } from '../reports/quality-section.tsx';
import { restatementFor } from './restatement.ts';

/** Fetches and assembles the report of `month` with the configured catalogue and the restatement of earlier published months. */
export async function monthlyReport(db: Db, config: AppConfig, month: string, now: Date): Promise<MonthlyReport> {
  const figures = await fetchMonthlyFigures(db, config, month, now, config.measures);
  return flagMonthlyReport(db, config, figures, buildMonthlyReport(figures, config, config.measures, now, await restatementFor(db, config, month, now)), now);
}
