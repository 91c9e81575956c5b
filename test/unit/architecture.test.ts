/**
 * The rules of the house (docs/architecture.md, ARCHITECTURE.md "Rules of the house"), checked
 * over every source file with the TypeScript compiler's own parser: src, jobs, bin and db (not
 * test/, not the generated migrations). A new violation fails here with the file and the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Pure computation modules: rows, configuration and `now` in, figures out. Whole folders, plus
 * the computation files of `src/measures` (the catalogue, periods, RAG status, KPI feed rows,
 * direction of travel, supplied values) — every file of those folders today.
 */
const PURE = ['src/calendar/', 'src/sla/', 'src/calls/', 'src/availability/', 'src/casework/', 'src/plans/', 'src/measures/'];

/** Packages (and node: modules) that do IO: none may be reached from a pure module. */
const IO_PACKAGES = [
  /^node:(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|readline|cluster)$/,
  /^(fs|net|http|https|child_process)$/,
  /^postgres$/,
  /^@electric-sql\/pglite/,
  /^drizzle-orm/,
  /^hono($|\/)/,
  /^@hono\//,
  /^bullmq$/,
  /^ioredis$/,
  /^node-cron$/,
  /^playwright/,
];
/** Repository folders that do IO (or sit above the computation): a pure module imports none of them. */
const IO_FOLDERS = ['db/', 'src/store/', 'src/services/', 'src/http/', 'src/feeds/', 'src/reports/', 'src/demo/', 'jobs/', 'bin/', 'src/cli.ts', 'src/runtime.ts'];
/** Pure helpers outside the pure folders that pure modules may use (they import nothing with IO, checked below). */
const PURE_HELPERS = ['src/feeds/csv-line.ts'];

/** Database drivers and query builders: only the store and db/ import them (types excepted). */
const SQL_PACKAGES = [/^drizzle-orm($|\/)/, /^postgres$/, /^@electric-sql\/pglite/];
const SQL_HOMES = ['src/store/', 'db/'];

/**
 * The reporting zone is named once, in the calendar defaults (and configuration files). Zones of
 * published data sets (a preset's export zone) are facts of those sets and stay with them.
 */
const ZONE_LITERAL = /^Europe\/London$/;
const ZONE_HOMES = ['src/calendar/defaults.ts', 'src/config/'];

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

type Rule = 'pure-no-io' | 'sql-only-in-store' | 'no-src-to-jobs' | 'demo-only-from-demo-command' | 'no-cycle' | 'file-lines' | 'function-lines' | 'zone-literal';

/**
 * PENDING: violations in files other helpers are rewriting at the same time (issue 11). Each is
 * fixed by that work; the lead removes the entry after merging. An entry that no longer
 * matches a violation fails the test too, so the list only ever shrinks.
 */
const PENDING: Record<string, Rule[]> = {
  // Empty: every rule holds over the whole tree. Keep it that way; an entry here is a debt.
};

// ---------------------------------------------------------------------------------------------
// Reading the sources
// ---------------------------------------------------------------------------------------------

type Import = { from: string; spec: string; target: string | null; typeOnly: boolean; line: number };
type Source = { file: string; text: string; sf: ts.SourceFile; imports: Import[] };

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (rel !== 'db/migrations' && e.name !== 'node_modules') out.push(...walk(rel));
    } else if (/\.(ts|tsx|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') && !e.name.endsWith('.client.js')) out.push(rel);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
}

function importsOf(file: string, sf: ts.SourceFile): Import[] {
  const out: Import[] = [];
  const add = (node: ts.Node, spec: string, typeOnly: boolean) =>
    out.push({ from: file, spec, target: resolve(file, spec), typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const allTypes = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const allTypes = node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node, node.moduleSpecifier.text, allTypes);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function readSources(): Source[] {
  const files = ['src', 'jobs', 'bin', 'db'].flatMap(walk).sort();
  return files.map((file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    return { file, text, sf, imports: importsOf(file, sf) };
  });
}

const under = (file: string, homes: readonly string[]) => homes.some((h) => (h.endsWith('/') ? file.startsWith(h) : file === h));

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

type Violation = { file: string; rule: Rule; detail: string };

function pureViolations(sources: Source[]): Violation[] {
  const byFile = new Map(sources.map((s) => [s.file, s]));
  const out: Violation[] = [];
  // Every module a pure module reaches by value imports must itself import no IO.
  const reach = (start: Source): Violation | null => {
    const seen = new Set<string>([start.file]);
    const queue: { s: Source; via: string[] }[] = [{ s: start, via: [start.file] }];
    while (queue.length > 0) {
      const { s, via } = queue.shift()!;
      for (const i of s.imports) {
        if (i.typeOnly) continue;
        if (i.target === null) {
          if (IO_PACKAGES.some((p) => p.test(i.spec))) return { file: start.file, rule: 'pure-no-io', detail: `${via.join(' → ')} imports ${i.spec} (line ${i.line})` };
          continue;
        }
        if (under(i.target, IO_FOLDERS) && !under(i.target, PURE_HELPERS)) return { file: start.file, rule: 'pure-no-io', detail: `${via.join(' → ')} imports ${i.target} (line ${i.line})` };
        const next = byFile.get(i.target);
        if (next && !seen.has(next.file)) {
          seen.add(next.file);
          queue.push({ s: next, via: [...via, next.file] });
        }
      }
    }
    return null;
  };
  for (const s of sources) {
    if (!under(s.file, PURE) && !under(s.file, PURE_HELPERS)) continue;
    const v = reach(s);
    if (v) out.push(v);
  }
  return out;
}

function importRuleViolations(sources: Source[]): Violation[] {
  const out: Violation[] = [];
  for (const s of sources) {
    for (const i of s.imports) {
      if (!under(s.file, SQL_HOMES) && !i.typeOnly && SQL_PACKAGES.some((p) => p.test(i.spec))) {
        out.push({ file: s.file, rule: 'sql-only-in-store', detail: `imports ${i.spec} (line ${i.line})` });
      }
      // Table objects are query builders' input: only the store (and db/) imports them as values.
      if (!under(s.file, SQL_HOMES) && !i.typeOnly && i.target?.startsWith('db/schema')) {
        out.push({ file: s.file, rule: 'sql-only-in-store', detail: `imports the tables of ${i.target} (line ${i.line})` });
      }
      if (s.file.startsWith('src/') && i.target?.startsWith('jobs/')) out.push({ file: s.file, rule: 'no-src-to-jobs', detail: `imports ${i.target} (line ${i.line})` });
      // The demo command lives in the command line; the demo's own files import each other.
      if (i.target?.startsWith('src/demo/') && !s.file.startsWith('src/demo/') && s.file !== 'src/cli.ts') {
        out.push({ file: s.file, rule: 'demo-only-from-demo-command', detail: `imports ${i.target} (line ${i.line})` });
      }
    }
  }
  return out;
}

/** Import cycles (type-only imports count: they tie the modules' designs together all the same). */
function cycleViolations(sources: Source[]): Violation[] {
  const files = new Set(sources.map((s) => s.file));
  const edges = new Map(sources.map((s) => [s.file, [...new Set(s.imports.map((i) => i.target).filter((t): t is string => t !== null && files.has(t)))]]));
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: Violation[] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) for (const f of comp) out.push({ file: f, rule: 'no-cycle', detail: `in a cycle with ${comp.filter((c) => c !== f).sort().join(', ')}` });
    }
  };
  for (const f of [...files].sort()) if (!idx.has(f)) strong(f);
  return out;
}

function sizeViolations(sources: Source[]): Violation[] {
  const out: Violation[] = [];
  for (const s of sources) {
    const lines = s.text.split('\n').length - (s.text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_FILE_LINES) out.push({ file: s.file, rule: 'file-lines', detail: `${lines} lines (at most ${MAX_FILE_LINES})` });
    const visit = (node: ts.Node) => {
      if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node)) {
        const first = s.sf.getLineAndCharacterOfPosition(node.getStart(s.sf)).line;
        const last = s.sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        if (last - first + 1 > MAX_FUNCTION_LINES) {
          const name = (node as { name?: ts.Node }).name?.getText(s.sf) ?? 'a function';
          out.push({ file: s.file, rule: 'function-lines', detail: `${name} at line ${first + 1}: ${last - first + 1} lines (at most ${MAX_FUNCTION_LINES})` });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(s.sf);
  }
  return out;
}

function zoneViolations(sources: Source[]): Violation[] {
  const out: Violation[] = [];
  for (const s of sources) {
    if (under(s.file, ZONE_HOMES)) continue;
    const visit = (node: ts.Node) => {
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && ZONE_LITERAL.test(node.text)) {
        out.push({ file: s.file, rule: 'zone-literal', detail: `'${node.text}' at line ${s.sf.getLineAndCharacterOfPosition(node.getStart(s.sf)).line + 1}: take the zone from the configuration` });
      }
      ts.forEachChild(node, visit);
    };
    visit(s.sf);
  }
  return out;
}

export function architectureViolations(sources = readSources()): Violation[] {
  return [...pureViolations(sources), ...importRuleViolations(sources), ...cycleViolations(sources), ...sizeViolations(sources), ...zoneViolations(sources)];
}

const pending = (v: Violation) => PENDING[v.file]?.includes(v.rule) ?? false;

describe('architecture rules (docs/architecture.md)', () => {
  const sources = readSources();
  const all = architectureViolations(sources);

  it('reads every source file of src, jobs, bin and db, and none of test/ or the migrations', () => {
    const files = sources.map((s) => s.file);
    expect(files).toContain('src/calendar/zone.ts');
    expect(files).toContain('jobs/registry.ts');
    expect(files).toContain('bin/attain.js');
    expect(files).toContain('db/schema.ts');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('db/migrations/'))).toBe(false);
  });

  it('has no violation outside the PENDING list', () => {
    const fresh = all.filter((v) => !pending(v)).map((v) => `${v.file} [${v.rule}] ${v.detail}`);
    expect(fresh).toEqual([]);
  });

  it('has no PENDING entry left that no longer matches a violation (empty it as the work lands)', () => {
    const stale = Object.entries(PENDING).flatMap(([file, rules]) => rules.filter((r) => !all.some((v) => v.file === file && v.rule === r)).map((r) => `${file} [${r}]`));
    expect(stale).toEqual([]);
  });

  it('catches each kind of violation (the checker itself, on made-up files)', () => {
    const fake = (file: string, text: string): Source => {
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
      return { file, text, sf, imports: importsOf(file, sf) };
    };
    const longBody = Array.from({ length: 81 }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const found = architectureViolations([
      fake('src/sla/a.ts', "import { b } from '../availability/b.ts';\nexport const a = b;\n"),
      fake('src/availability/b.ts', "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;\n"),
      fake('jobs/f.ts', "import { tickets } from '../db/schema.ts';\nimport type { Ticket } from '../db/schema.ts';\nexport const f = tickets;\n"),
      fake('src/services/c.ts', "import { sql } from 'drizzle-orm';\nimport type { X } from '../../jobs/x.ts';\nimport { d } from '../demo/d.ts';\nexport const c = [sql, d];\n"),
      fake('src/demo/d.ts', "import type { E } from '../reports/e.ts';\nexport const d = 1;\n"),
      fake('src/reports/e.ts', `import type { D } from '../demo/d.ts';\nexport function long() {\n${longBody}\n}\nexport const zone = 'Europe/London';\n`),
    ]).map((v) => `${v.file} ${v.rule}`);
    expect(found.sort()).toEqual(
      [
        'src/sla/a.ts pure-no-io', // through availability/b.ts
        'src/availability/b.ts pure-no-io',
        'src/services/c.ts sql-only-in-store',
        'jobs/f.ts sql-only-in-store', // the table as a value; the type import alone is fine
        'src/services/c.ts demo-only-from-demo-command',
        'src/services/c.ts no-src-to-jobs', // a type-only import counts
        'src/reports/e.ts demo-only-from-demo-command',
        'src/demo/d.ts no-cycle',
        'src/reports/e.ts no-cycle',
        'src/reports/e.ts function-lines', // 81 lines of body + 2 = 83
        'src/reports/e.ts zone-literal',
      ].sort(),
    );
  });
});
