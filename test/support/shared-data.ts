import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inCI } from './services.ts';

/** The repository's root, whichever test file asks. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the real public data is read in place: `../shared/data` beside the repository, as CI
 * lays it out (docs/data-sources.md). It is never copied into the repository.
 */
export const sharedDataDir = path.resolve(repoRoot, '../shared/data');

/**
 * The one rule for suites that read real data: the files, as absolute paths under
 * `sharedDataDir`, and whether they are all there. A fresh clone has no `../shared` beside it:
 * outside CI the suite is then skipped (`describe.skipIf(!available)`) with a one-line notice
 * saying why; with CI=true a missing file throws, so the test file fails and is counted as
 * failed — never a silent skip.
 */
export function sharedData<const T extends readonly string[]>(suite: string, ...files: T): { available: boolean; paths: { [K in keyof T]: string } } {
  const paths = files.map((f) => path.join(sharedDataDir, f)) as { [K in keyof T]: string };
  const missing = (paths as readonly string[]).filter((p) => !existsSync(p));
  if (missing.length === 0) return { available: true, paths };
  const where = `${missing.map((p) => path.relative(repoRoot, p)).join(', ')} not found (real data is read from ../shared/data beside the repository; see docs/data-sources.md)`;
  if (inCI) throw new Error(`${suite}: ${where}. CI=true: the data must be there, so this fails instead of skipping.`);
  console.warn(`SKIPPING ${suite}: ${where}; with CI=true this fails.`);
  return { available: false, paths };
}
