import type { Db } from '../../db/client.ts';
import type { AppConfig } from '../config/app-config.ts';
import { buildMonthlyReport, fetchMonthlyFigures, type MonthlyReport } from '../reports/monthly.ts';
import { flagMonthlyReport } from '../reports/quality-section.tsx';
import { restatementFor } from './restatement.ts';

/** Fetches and assembles the report of `month` with the configured catalogue and the restatement of earlier published months. */
export async function monthlyReport(db: Db, config: AppConfig, month: string, now: Date): Promise<MonthlyReport> {
  // The restatement reads published months of its own: beside the figures, not after them.
  const [figures, restatement] = await Promise.all([fetchMonthlyFigures(db, config, month, now, config.measures), restatementFor(db, config, month, now)]);
  return flagMonthlyReport(db, config, figures, buildMonthlyReport(figures, config, config.measures, now, restatement), now);
}
