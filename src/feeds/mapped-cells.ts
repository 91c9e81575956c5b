/**
 * Reading the cells of a row through a column mapping — shared by every mapped feed (tickets,
 * cases, plan actions): the cell a column reference names, case-insensitive value maps, blank
 * rows, and the columns the mapping does not name (kept as `extra`). Pure.
 */

/** A column of the tool's export, or several names of which the first present in the row is used. */
type Ref = string | string[];

/**
 * Reads a mapped row's cells: the first named column present in the row, with its trimmed value
 * (null when empty or one of the mapping's missing values).
 */
export function cellReader(values: Record<string, string>, missing: ReadonlySet<string>) {
  return (ref: Ref | undefined): { col: string; value: string | null } | null => {
    if (ref === undefined) return null;
    const names = Array.isArray(ref) ? ref : [ref];
    const col = names.find((n) => n in values) ?? names[0]!;
    const raw = values[col];
    const v = raw === undefined ? '' : raw.trim();
    return { col, value: v === '' || missing.has(v) ? null : v };
  };
}

/** Lower-cased, trimmed keys, for the case-insensitive value maps. */
export const lowerKeys = <T>(m: Record<string, T>) => new Map(Object.entries(m).map(([k, v]) => [k.trim().toLowerCase(), v]));

/** A row with every field empty (`;;;;`): skipped and counted in the run's warnings. */
export const isBlankRow = (values: Record<string, string>) => Object.values(values).every((v) => v.trim() === '');

/** Every column name the mapping's references name. */
export function columnsUsed(refs: readonly (Ref | undefined)[]): Set<string> {
  const used = new Set<string>();
  for (const r of refs) for (const c of r === undefined ? [] : Array.isArray(r) ? r : [r]) used.add(c);
  return used;
}

/** The row's other non-empty cells, by column, as the tool wrote them; null when none. */
export function extraColumns(values: Record<string, string>, used: ReadonlySet<string>, missing: ReadonlySet<string>): Record<string, string> | null {
  let extra: Record<string, string> | null = null;
  for (const [col, val] of Object.entries(values)) {
    const t = val.trim();
    if (!used.has(col) && col !== '' && t !== '' && !missing.has(t)) (extra ??= {})[col] = val;
  }
  return extra;
}

/** What a date cell may hold, for the problem that names an unreadable one. */
export const expectedDates = (dateFormats: readonly string[], iso: string) => (dateFormats.length > 0 ? `${dateFormats.join(' or ')} or ISO 8601` : iso);
