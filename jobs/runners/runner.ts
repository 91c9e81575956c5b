/** Where jobs run: in this process (inline) or on BullMQ workers. The jobs are the same. */
export type Runner = {
  kind: 'inline' | 'bullmq';
  /** Queue one run of a job for a slot; a slot already queued or run is not queued again. */
  enqueue(job: string, slot: string, payload?: unknown): Promise<void>;
  /** Resolves when everything queued so far (and what it queued) has finished; inline only. */
  drain(): Promise<void>;
  close(): Promise<void>;
};
