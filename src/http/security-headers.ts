import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { reportScriptHashes } from '../reports/render-scripts.ts';

/**
 * Security headers on every answer (hono's secureHeaders): a CSP that runs only scripts served
 * from this site (no inline script: the pages' script is /assets/pages.js), no framing,
 * `Referrer-Policy: same-origin`, `nosniff`. Styles may be inline (the layout's stylesheet,
 * Chart.js's canvas sizes).
 */
const strict = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  // HSTS belongs to the proxy that terminates TLS (the app itself may be reached over http on loopback).
  strictTransportSecurity: false,
});

/**
 * The monthly report's HTML is also a standalone file (`attain report MONTH --format html`) that
 * must draw offline, so it inlines Chart.js and its own script (src/reports/render-scripts.ts):
 * its CSP allows exactly those two scripts by their SHA-256 hashes (no 'unsafe-inline' for
 * scripts), loads nothing from elsewhere and cannot be framed either. Styles stay inline (its
 * stylesheet, the progress bars' widths).
 */
const report = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: reportScriptHashes(),
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ['data:'],
    // The commentary form on the report page saves through the API (PUT, same origin).
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
  strictTransportSecurity: false,
});
const reportHtml = /^\/api\/v1\/reports\/monthly\/[^/]+\.html$/;

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    return (reportHtml.test(c.req.path) ? report : strict)(c, next);
  };
}
