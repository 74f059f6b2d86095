/** Queues and their jobs. Payloads carry ids only (no PHI); processors re-read the database. */
export enum QueueName {
  Notifications = 'notifications',
}

export enum JobName {
  AccountLocked = 'security.account-locked',
}

export interface JobPayloads {
  [JobName.AccountLocked]: { organizationId: string; userId: string; windowStartedAt: string };
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.AccountLocked]: QueueName.Notifications,
};

export interface JobRequest<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deduplicates while the job exists; "exactly once" effects rest on Postgres unique keys. */
  jobId: string;
  runAt?: Date;
}
