import { describe, expect, it } from 'vitest';
import { vitestSummary, type VitestJsonReport } from '../../.ci/vitest-summary.ts';

// Shaped as vitest 4.1's JSON reporter wrote it for two files: one that threw while loading
// (no tests collected, status "failed") and one with a passed and a skipped test.
const loadFailure: VitestJsonReport = {
  numPassedTests: 1,
  numFailedTests: 0,
  numPendingTests: 1,
  numTodoTests: 0,
  testResults: [
    { name: '/repo/test/unit/broken.test.ts', status: 'failed', message: 'boom at load\n    at line 2', assertionResults: [] },
    { name: '/repo/test/unit/ok.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed' }, { status: 'skipped' }] },
  ],
};

describe('.ci/run closing line', () => {
  it('counts a test file that failed to load as failed, never "0 failed"', () => {
    // 0 failed tests + 1 file failed with no failed test in it = 1.
    expect(vitestSummary(loadFailure, '/repo')).toEqual({
      failedFiles: ['test/unit/broken.test.ts (boom at load)'],
      line: 'vitest: 1 passed, 1 failed, 1 skipped',
    });
  });

  it('does not count a file twice when its failure is a failed test', () => {
    const r: VitestJsonReport = {
      numPassedTests: 3,
      numFailedTests: 2,
      numPendingTests: 0,
      numTodoTests: 1,
      testResults: [
        { name: '/repo/a.test.ts', status: 'failed', message: '', assertionResults: [{ status: 'failed' }, { status: 'failed' }, { status: 'passed' }] },
        { name: '/repo/b.test.ts', status: 'passed', message: '', assertionResults: [{ status: 'passed' }, { status: 'passed' }, { status: 'todo' }] },
      ],
    };
    // 2 failed tests, both in a.test.ts, which therefore adds nothing; skipped = 0 pending + 1 todo.
    expect(vitestSummary(r, '/repo').line).toBe('vitest: 3 passed, 2 failed, 1 skipped');
  });
});
