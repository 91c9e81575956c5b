export * from './schema/tickets.ts';
export * from './schema/ingest.ts';
export * from './schema/metrics.ts';
export * from './schema/jobs.ts';
