/** The shapes of a restatement, apart from its rules so that the report model can carry one without importing them. */

/** The areas a figure belongs to: each has its own records and configuration (the evidence of a change). */
export const figureAreas = ['sla', 'calls', 'availability', 'casework', 'supplied'] as const;
export type FigureArea = (typeof figureAreas)[number];

export const restatementReasons = ['late tickets', 'corrected feed', 'policy change', 'unknown'] as const;
export type RestatementReason = { reason: (typeof restatementReasons)[number]; detail: string };
export type RestatementRow = { month: string; figure: string; label: string; from: number | null; to: number | null; reasons: RestatementReason[] };

/** The restatement table of a report: the published months compared, and the figures that changed. */
export type Restatement = { compared: { month: string; version: number; issuedAt: string }[]; rows: RestatementRow[] };
