import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logSettings, textLine } from '../../src/log.ts';

const sink = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
};

describe('the logger (src/log.ts)', () => {
  it('reads LOG_LEVEL and LOG_FORMAT, JSON unless stderr is a terminal, and names a bad value', () => {
    expect(logSettings({}, false)).toEqual({ level: 'info', format: 'json' });
    expect(logSettings({}, true)).toEqual({ level: 'info', format: 'text' });
    expect(logSettings({ LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'json' }, true)).toEqual({ level: 'debug', format: 'json' });
    expect(() => logSettings({ LOG_LEVEL: 'loud' }, false)).toThrow('environment variable LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent (got "loud")');
    expect(() => logSettings({ LOG_FORMAT: 'xml' }, false)).toThrow('environment variable LOG_FORMAT: expected json or text (got "xml")');
  });

  it('writes one JSON object a line at or above its level', () => {
    const { lines, stream } = sink();
    const log = createLogger({ level: 'info', format: 'json' }, stream);
    log.debug('not shown');
    log.info({ requestId: 'r-1' }, 'shown');
    log.error({ err: new Error('boom') }, 'failed');
    expect(lines).toHaveLength(2);
    const [info, error] = lines.map((l) => JSON.parse(l));
    // pino's numeric levels: info 30, error 50.
    expect(info).toMatchObject({ level: 30, requestId: 'r-1', msg: 'shown' });
    expect(error).toMatchObject({ level: 50, msg: 'failed', err: { type: 'Error', message: 'boom' } });
    expect(error.err.stack).toContain('boom');
  });

  it('text format: time, level, message and fields on one line, the stack below', () => {
    const line = textLine(JSON.stringify({ level: 50, time: Date.UTC(2025, 10, 3, 9, 5, 7), pid: 1, msg: 'GET /x answered 500', requestId: 'abc', status: 500, err: { stack: 'Error: boom\n    at f' } }));
    expect(line).toBe('09:05:07 error GET /x answered 500 requestId=abc status=500\nError: boom\n    at f\n');
  });
});
