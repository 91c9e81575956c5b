/**
 * The closing line of `.ci/run`, from vitest's JSON report: `vitest: N passed, N failed, N skipped`.
 * "failed" counts failed tests plus every test FILE that failed without a failed test to show
 * for it (it did not load, a hook threw, the CI=true data check threw), so a file that fails
 * to load can never leave "0 failed". Usage: `tsx .ci/vitest-summary.ts REPORT.json`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of vitest's (Jest-compatible) JSON report read here. */
export type VitestJsonReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { status: string }[] }[];
};

export function vitestSummary(r: VitestJsonReport, root = process.cwd()): { failedFiles: string[]; line: string } {
  const failedFiles = r.testResults.filter((f) => f.status === 'failed');
  // A file whose failure already shows as a failed test is counted through that test.
  const unexplained = failedFiles.filter((f) => !f.assertionResults.some((a) => a.status === 'failed'));
  const failed = r.numFailedTests + unexplained.length;
  return {
    failedFiles: failedFiles.map((f) => {
      const why = (f.message ?? '').split('\n')[0]!.slice(0, 300);
      return `${path.relative(root, f.name)}${why ? ` (${why})` : ''}`;
    }),
    line: `vitest: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as VitestJsonReport;
  const { failedFiles, line } = vitestSummary(report);
  for (const f of failedFiles) console.log(`failed file: ${f}`);
  console.log(line);
}
