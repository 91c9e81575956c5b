import type { Measure, MeasureInput } from './measure.ts';

/**
 * The success measures published service plans carry beside the computed ones (issue 14;
 * METRICS.md §6–7), with values supplied per period; the four casework measures are computed from
 * the casework figures (docs/metrics.md §6), and only their benchmarks are supplied.
 */
const s = (code: string, title: string, category: string, unit: Measure['unit'], direction: Measure['direction'], target: number, frequency: Measure['frequency'], benchmark?: string, figure?: Measure['figure']): MeasureInput =>
  ({ code, title, unit, direction, targets: [{ effectiveFrom: '1970-01-01', target }], frequency, category, ...(benchmark ? { benchmark } : {}), ...(figure ? { figure } : {}) });

/** Plain data (the catalogue parses it): this module must not import the schema, which imports it. */
export const successMeasureInputs: MeasureInput[] = [
  s('HR-EXIT', '% leavers offered an exit interview', 'People', 'percent', 'up', 0.95, 'quarterly'),
  s('HR-APPRAISAL', '% staff appraised in the last 12 months', 'People', 'percent', 'up', 0.95, 'annual'),
  s('HR-SICKNESS', 'Sickness days lost per employee (FTE)', 'People', 'days', 'down', 9, 'annual', 'LGBF family group'),
  s('HR-TRAINING', '% compliance training completed', 'People', 'percent', 'up', 0.5, 'quarterly'),
  s('CW-STAGE1', '% Stage 1 complaint responses within timescale', 'Casework', 'percent', 'up', 0.8, 'monthly', 'LGBF family group', 'casework.complaint-stage-1.within'),
  s('CW-FOI', '% FOI requests answered within 20 working days', 'Casework', 'percent', 'up', 0.9, 'monthly', undefined, 'casework.foi.within'),
  s('CW-SAR', '% subject access requests completed within one month', 'Casework', 'percent', 'up', 0.85, 'monthly', undefined, 'casework.sar.within'),
  s('CW-MEMBER', '% member enquiries answered within timescale', 'Casework', 'percent', 'up', 0.85, 'monthly', undefined, 'casework.member-enquiry.within'),
  // Data only: contacts the channel-shift section adds to the tickets of those channels.
  ...([['CH-WEB', 'Web form contacts'], ['CH-APP', 'App contacts'], ['CH-F2F', 'Face-to-face contacts']] as const).map(
    ([code, title]): MeasureInput => ({ code, title, unit: 'count', direction: 'up', targets: [], frequency: 'monthly', category: 'Channel shift' }),
  ),
];
