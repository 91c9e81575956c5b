import { isValidDate, parseTimestamp, type ParsedTimestamp } from '../../calendar/zone.ts';

/**
 * Date formats of tools' exports as patterns (Java / Unicode style, the way ServiceNow and Jira
 * write theirs): `yyyy` `yy` year, `MMM` English month name (Mar, March), `MM`/`M` month,
 * `dd`/`d` day, `HH`/`H` 24-hour, `hh`/`h` 12-hour with `a` (AM/PM), `mm` minutes, `ss`
 * seconds, `SSS` fraction. One- and two-letter numeric fields accept one or two digits
 * (`d/M/yyyy H:mm` reads `5/3/2016 9:07` and `05/03/2016 09:07` alike). A space matches any run
 * of spaces; other characters are literal.
 */
export type DateParser = (text: string, zone: string) => ParsedTimestamp | null;

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const tokens = ['yyyy', 'yy', 'MMMM', 'MMM', 'MM', 'M', 'dd', 'd', 'HH', 'H', 'hh', 'h', 'mm', 'ss', 'SSS', 'a'] as const;
type Token = (typeof tokens)[number];
const pieces: Record<Token, string> = {
  yyyy: '(\\d{4})',
  yy: '(\\d{2})',
  MMMM: '([A-Za-z]{3,9})\\.?',
  MMM: '([A-Za-z]{3,9})\\.?',
  MM: '(\\d{1,2})',
  M: '(\\d{1,2})',
  dd: '(\\d{1,2})',
  d: '(\\d{1,2})',
  HH: '(\\d{1,2})',
  H: '(\\d{1,2})',
  hh: '(\\d{1,2})',
  h: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,9})',
  a: '([AaPp]\\.?[Mm]\\.?)',
};

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Compiles a pattern once; throws naming the pattern when it lacks a year, month or day. */
export function compileDateFormat(pattern: string): DateParser {
  const order: Token[] = [];
  let re = '^';
  for (let i = 0; i < pattern.length; ) {
    const tok = tokens.find((t) => pattern.startsWith(t, i));
    if (tok) {
      order.push(tok);
      re += pieces[tok];
      i += tok.length;
    } else if (pattern[i] === ' ') {
      re += '\\s+';
      i += 1;
    } else {
      re += pattern[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const has = (...t: Token[]) => t.some((x) => order.includes(x));
  if (!has('yyyy', 'yy') || !has('MMMM', 'MMM', 'MM', 'M') || !has('dd', 'd')) {
    throw new Error(`date format "${pattern}" needs a year (yyyy), a month (MM or MMM) and a day (dd)`);
  }
  const regex = new RegExp(re + '$');
  return (text, zone) => {
    const m = regex.exec(text.trim());
    if (!m) return null;
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, frac = '';
    let pm: boolean | null = null;
    order.forEach((tok, i) => {
      const v = m[i + 1]!;
      switch (tok) {
        case 'yyyy': year = Number(v); break;
        case 'yy': year = 2000 + Number(v); break;
        case 'MMMM':
        case 'MMM': month = months.indexOf(v.slice(0, 3).toLowerCase()) + 1; break;
        case 'MM':
        case 'M': month = Number(v); break;
        case 'dd':
        case 'd': day = Number(v); break;
        case 'HH':
        case 'H':
        case 'hh':
        case 'h': hour = Number(v); break;
        case 'mm': minute = Number(v); break;
        case 'ss': second = Number(v); break;
        case 'SSS': frac = v; break;
        case 'a': pm = v[0]!.toLowerCase() === 'p'; break;
      }
    });
    if (pm !== null) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
    const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${frac ? `.${frac}` : ''}`;
    return parseTimestamp(iso, zone);
  };
}

/** Tries each format in order, then ISO 8601 (which API pulls and generic files use). */
export function dateParserFor(patterns: readonly string[]): DateParser {
  const parsers = patterns.map(compileDateFormat);
  // Exports repeat the same instants on many rows (an event log writes opened_at on every update
  // of a ticket); a small bounded cache saves the zone arithmetic for each repeat.
  const cache = new Map<string, ParsedTimestamp | null>();
  return (text, zone) => {
    const key = `${zone}\u0000${text}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let r: ParsedTimestamp | null = null;
    for (const p of parsers) {
      r = p(text, zone);
      if (r) break;
    }
    r ??= parseTimestamp(text, zone);
    if (cache.size >= 20_000) cache.clear();
    cache.set(key, r);
    return r;
  };
}
