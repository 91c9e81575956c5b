import { describe, expect, it } from 'vitest';
import { commands, helpText, parseCommand, UsageError } from '../../src/cli-args.ts';

/** `parseCommand` with the error it threw, for assertions on its text. */
function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('command-line options (node:util parseArgs, strict)', () => {
  it('an unknown flag is a usage error naming it and the help to read', () => {
    const e = usageError(() => parseCommand('report', ['2025-12', '--mnth', '3']));
    expect(e.message).toBe('unknown option --mnth; run `attain help report`');
    // Under `ingest`, the help named is the whole family's.
    expect(usageError(() => parseCommand('ingest calls', ['q.log', '--formt', 'csv'])).message).toBe('unknown option --formt; run `attain help ingest`');
    // A command without options refuses every flag, short ones too.
    expect(usageError(() => parseCommand('start', ['-x'])).message).toBe('unknown option -x; run `attain help start`');
    // An option of another command is unknown here: --role belongs to `keys`.
    expect(usageError(() => parseCommand('runs', ['--role', 'admin'])).message).toBe('unknown option --role; run `attain help runs`');
  });

  it('a flag without its value, or too many arguments, is named too', () => {
    expect(usageError(() => parseCommand('kpi-feed', ['2025-12', '--revision'])).message).toBe('option --revision needs a value; run `attain help kpi-feed`');
    expect(usageError(() => parseCommand('runs', ['--limit', '-5'])).message).toBe('option --limit takes a value starting with "-"; write it as --limit=VALUE; run `attain help runs`');
    expect(usageError(() => parseCommand('report', ['2025-12', '2026-01'])).message).toBe('unexpected argument "2026-01" for `attain report`; run `attain help report`');
    expect(usageError(() => parseCommand('ingest outages', [])).message).toBe('missing argument for `attain ingest outages`; usage: attain ingest outages FILE');
  });

  it('reads the invocations the README and the tests use, options before or after the arguments', () => {
    expect(parseCommand('report', ['2025-11', '--format', 'html', '--out', 'r.html'])).toEqual({ help: false, values: { format: 'html', out: 'r.html' }, positionals: ['2025-11'] });
    expect(parseCommand('report', ['--format=csv', '2025-11'])).toEqual({ help: false, values: { format: 'csv' }, positionals: ['2025-11'] });
    expect(parseCommand('ingest calls', ['queue_log', '--format', 'queue_log', '--source', 'asterisk', '--zone', 'Europe/Paris'])).toEqual({
      help: false,
      values: { format: 'queue_log', source: 'asterisk', zone: 'Europe/Paris' },
      positionals: ['queue_log'],
    });
    expect(parseCommand('keys', ['create', 'uploader', '--role', 'ingest'])).toEqual({ help: false, values: { role: 'ingest' }, positionals: ['create', 'uploader'] });
    expect(parseCommand('runs', ['--limit', '5'])).toEqual({ help: false, values: { limit: '5' }, positionals: [] });
    // A title with spaces is one value; a value that looks like a flag needs `=`.
    expect(parseCommand('ingest actions', ['a.csv', '--title', 'Digital plan 2025', '--plan=DIG'])).toEqual({ help: false, values: { title: 'Digital plan 2025', plan: 'DIG' }, positionals: ['a.csv'] });
    // `rejected` checks its run id itself (its message names the usage; the runs-command test holds it).
    expect(parseCommand('rejected', ['abc'])).toEqual({ help: false, values: {}, positionals: ['abc'] });
  });

  it('--help on any command asks for its help, which names every option the parser accepts', () => {
    expect(parseCommand('kpi-feed', ['--help'])).toEqual({ help: true });
    expect(parseCommand('ingest tickets', ['-h'])).toEqual({ help: true });
    for (const [name, spec] of Object.entries(commands)) {
      const help = helpText(name.split(' ')[0]);
      for (const option of Object.keys(spec.options)) expect(help, name).toContain(`--${option}`);
    }
    expect(helpText('ingest').split('\n').filter((l) => /^(Usage: attain| +attain) ingest/.test(l)).map((l) => l.replace(/^(Usage: attain| +attain) /, '').split(' ').slice(0, 2).join(' '))).toEqual([
      'ingest tickets', 'ingest ticket-history', 'ingest outages', 'ingest cases', 'ingest calls', 'ingest emails', 'ingest actions', 'ingest measures',
    ]);
    expect(usageError(() => helpText('nope')).message).toBe('no help for "nope"; run `attain help` for the list of commands');
  });
});
