import { versionInForce } from '../calendar/effective.ts';
import { ragOf, type Direction } from './status.ts';
import { measureSchema, type FigureName, type Measure } from './measure.ts';
import { successMeasureInputs } from './success-measures.ts';

export { directions, type Direction } from './status.ts';
export { figureNames, frequencies, measureSchema, units, type FigureName, type Frequency, type Measure, type MeasureInput } from './measure.ts';

const m = (code: string, title: string, unit: Measure['unit'], direction: Direction, target: number, figure: FigureName): Measure =>
  measureSchema.parse({ code, title, unit, direction, targets: [{ effectiveFrom: '1970-01-01', target }], figure, category: figure.startsWith('calls.') ? 'Contact centre' : figure.startsWith('availability.') ? 'ICT availability' : 'Service desk' });

/** The default catalogue, from published council measures (METRICS.md §5). */
export const defaultMeasures: Measure[] = [
  m('SD-INC-SLA', '% incidents resolved within target time', 'percent', 'up', 0.95, 'sla.incident.attainment'),
  m('SD-SR-SLA', '% service requests resolved within target time', 'percent', 'up', 0.95, 'sla.service_request.attainment'),
  m('SD-ONTIME', '% service-desk calls resolved on time', 'percent', 'up', 0.8, 'sla.all.resolved_on_time'),
  m('SD-CSAT', 'Service desk customer satisfaction (short survey)', 'score', 'up', 6, 'sla.satisfaction.mean'),
  m('SYS-AVAIL', '% corporate systems available in core hours', 'percent', 'up', 0.95, 'availability.all'),
  m('CC-ANSWERED', '% contact-centre calls answered', 'percent', 'up', 0.825, 'calls.answer_rate'),
  m('CC-WAIT', 'Average call wait time (minutes)', 'minutes', 'down', 6, 'calls.avg_wait_minutes'),
  m('CC-AHT', 'Average handling time', 'seconds', 'down', 398, 'calls.aht_seconds'),
  m('CC-DAILY-CALLS', 'Daily calls managed', 'count', 'up', 590, 'calls.per_day'),
  m('CC-ABANDON', 'Call abandonment rate', 'percent', 'down', 0.175, 'calls.abandon_rate'),
  m('CC-MAX-ABANDON', 'Maximum % abandoned calls', 'percent', 'down', 0.1, 'calls.max_daily_abandon_rate'),
  m('CC-MAX-ANSWER', 'Maximum call answering time', 'minutes', 'down', 2, 'calls.max_answer_wait_minutes'),
  m('CC-EMAILS', 'Daily emails to the contact mailbox processed', 'count', 'up', 59, 'calls.emails_per_day'),
  ...successMeasureInputs.map((x) => measureSchema.parse(x)),
];

export type MeasureStatus = 'green' | 'amber' | 'red' | 'data_only' | 'no_data';

/** The target in force for a period starting on `periodStart`, or null (data only). */
export function targetOf(measure: Measure, periodStart: string): number | null {
  return versionInForce(measure.targets, periodStart)?.target ?? null;
}

/**
 * RAG status (METRICS.md §5): green meets the target; amber misses it by no more than the
 * tolerance (a fraction of the target); red beyond; data_only without a target; no_data without
 * a value.
 */
export function measureStatus(value: number | null, target: number | null, direction: Direction, tolerance: number): MeasureStatus {
  if (value === null) return 'no_data';
  if (target === null) return 'data_only';
  return ragOf(value, target, direction, tolerance);
}
