import path from 'node:path';
import type { Runtime } from '../../runtime.ts';
import { ingestMeasuresFile } from '../../services/measures.ts';
import { printIngestResult } from '../runs-command.ts';

/** `attain ingest measures FILE`: supplied measure values (code, period, value, numerator, denominator, note[, benchmark]). */
export async function ingestMeasuresCommand(rt: Runtime, file: string): Promise<void> {
  const result = await ingestMeasuresFile(rt.handle.db, path.resolve(file), rt.config);
  await printIngestResult(rt.handle.db, result);
}
