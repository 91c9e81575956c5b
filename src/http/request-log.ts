import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { logger as processLogger } from '../log.ts';

/**
 * A caller's `X-Request-Id` is kept when it is at most this long and only letters, digits, `_`,
 * `-` and `=` (hono's own check); anything else is replaced by a fresh UUID, so a log line can
 * never be forged or blown up through the header.
 */
export const MAX_REQUEST_ID = 128;

/**
 * Gives every request an id (`c.get('requestId')`, echoed in the `X-Request-Id` response header
 * and in every JSON error body, src/http/errors.ts) and logs the answer: a 5xx as an error with
 * id, method, path and the error; everything else at debug (a 4xx is the caller's mistake, not
 * the operator's). Mounted first, so it sees the answer every other middleware and route gave.
 */
export function requestLog(opts: { logger?: Logger } = {}): MiddlewareHandler {
  const log = opts.logger ?? processLogger;
  const withId = requestId({ limitLength: MAX_REQUEST_ID });
  return async function requestLog(c, next) {
    await withId(c, async () => {
      const started = performance.now();
      await next();
      const status = c.res.status;
      const line = { requestId: c.get('requestId') as string, method: c.req.method, path: c.req.path, status, ms: Math.round(performance.now() - started) };
      if (status >= 500) log.error({ ...line, err: c.error }, `${c.req.method} ${c.req.path} answered ${status}`);
      else log.debug(line, `${c.req.method} ${c.req.path} ${status}`);
    });
  };
}
