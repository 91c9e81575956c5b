import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';

/** SHA-256 of a file's content, streamed (a feed file may be larger than memory). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A name in `dir` not yet taken: `name` itself, else `a-2.csv`, `a-3.csv.gz`…, so moving a
 * second file of the same name into processed/ never overwrites the first one or its report.
 */
export async function freeName(dir: string, name: string): Promise<string> {
  const m = /^(.*?)((?:\.csv)?(?:\.gz)?)$/i.exec(name)!;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${m[1]}-${n}${m[2]}`;
    const taken = await Promise.all([candidate, `${candidate}.report.json`].map((f) => access(path.join(dir, f)).then(() => true, () => false)));
    if (!taken.some(Boolean)) return candidate;
  }
}
