import { rowFlags, type QualityFlag as Flag } from '../../quality/flags.ts';

/**
 * A figure's data-quality flags where people read it (docs/metrics.md "Data-quality flags"):
 * a warning icon and each flag's short sentence; nothing when the figure has none. The icon is
 * spelt out for screen readers and the text is dark on pale amber (over 4.5:1, WCAG 2.2 AA).
 */
export function QualityFlag(props: { flags: readonly Flag[] | undefined }) {
  const flags = props.flags ?? [];
  if (flags.length === 0) return null;
  return (
    <small class="quality-flag" data-flags={flags.map((f) => f.code).join(' ')} style="display:block;margin-top:.25rem;padding:.1rem .35rem;color:#5c3200;background:#fff1d6;border-left:3px solid #8a4b00;font-size:.82rem;text-align:left">
      {flags.map((f) => (
        <span data-flag={f.code} data-count={f.count} style="display:block">
          <span role="img" aria-label="Data-quality warning">⚠</span> {f.message}
        </span>
      ))}
    </small>
  );
}

/**
 * The flags of the day so far on the supervisor's page: the feed flags the day's interval rows
 * share (rejected rows, stale feed, clock skew are per day), plus talk-only AHT from the day's counts.
 */
export function dayFlags(intervalRows: readonly { flags: readonly Flag[] }[], dayCounts: Record<string, unknown>): Flag[] {
  const shared = (intervalRows[0]?.flags ?? []).filter((f) => f.code !== 'aht_talk_only');
  return [...shared, ...rowFlags(dayCounts)];
}
