/** What every job receives, whichever runner runs it; defined beside the runtime that builds it. */
export type { JobContext } from '../src/runtime.ts';
