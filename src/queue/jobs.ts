import type { JobsOptions } from 'bullmq';

import type { Config } from '../config/configuration';

/** Queues and their jobs. Payloads carry ids only (no PHI); handlers re-read the database. */
export enum QueueName {
  Notifications = 'notifications',
  FollowUps = 'follow-ups',
  SessionNotes = 'session-notes',
  ScheduledScans = 'scheduled-scans',
  Webhooks = 'webhooks',
}

/** How many jobs of a queue one worker process runs at once. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Notifications]: 1,
  [QueueName.FollowUps]: 5,
  [QueueName.SessionNotes]: 1,
  [QueueName.ScheduledScans]: 1,
  // Deliveries wait on remote endpoints, not on CPU.
  [QueueName.Webhooks]: 50,
};

export enum JobName {
  AccountLocked = 'security.account-locked',
  FollowUpReminder = 'follow-up.reminder',
  FollowUpEscalation = 'follow-up.escalation',
  NoteCrisisFlag = 'note.crisis-flag',
  ScanCertificationExpiry = 'scan.certification-expiry',
  ScanPlanReviewDue = 'scan.plan-review-due',
  ScanRecoveryMilestones = 'scan.recovery-milestones',
  ScanNoContact = 'scan.no-contact',
  ScanConsentExpiry = 'scan.consent-expiry',
  ReferralOutFollowUp = 'referral-out.follow-up',
  WebhookDeliver = 'webhook.deliver',
}

/**
 * A job's declaration: its queue, its payload type (`P`, ids only) and, when it differs from the
 * queues' defaults (DEFAULT_JOB_OPTIONS), its BullMQ options. `every`: a periodic job, run by a
 * BullMQ job scheduler (id: the job's name) that many ms apart; 0 removes the scheduler.
 */
export interface JobDeclaration<P extends object> {
  readonly queue: QueueName;
  readonly options?: Readonly<JobsOptions>;
  readonly every?: (config: Config) => number;
  /** Never set: carries the payload type. */
  readonly payload?: P;
}

const job = <P extends object>(
  queue: QueueName,
  more: Omit<JobDeclaration<P>, 'queue' | 'payload'> = {},
): JobDeclaration<P> => ({ queue, ...more });

// Periodic scans cover every organization and carry nothing; a scan superseded by the next slot
// needs no long retry tail.
const scan = () =>
  job<Record<string, never>>(QueueName.ScheduledScans, {
    options: { attempts: 3, backoff: { type: 'exponential', delay: 5000 } },
    every: (config) => config.scheduledScans.intervalMs,
  });

/**
 * Every job, declared once. Its handler is the one method marked `@JobHandler(JobName.X)` in a
 * worker provider: the worker refuses to start when a job has none, or more than one.
 */
export const JOBS = {
  [JobName.AccountLocked]: job<{ organizationId: string; userId: string; windowStartedAt: string }>(
    QueueName.Notifications,
  ),
  [JobName.FollowUpReminder]: job<{ organizationId: string; followUpId: string }>(
    QueueName.FollowUps,
  ),
  [JobName.FollowUpEscalation]: job<{
    organizationId: string;
    followUpId: string;
    reason: 'overdue' | 'unreachable';
  }>(QueueName.FollowUps),
  [JobName.NoteCrisisFlag]: job<{ organizationId: string; noteId: string; clientId: string }>(
    QueueName.SessionNotes,
  ),
  [JobName.ScanCertificationExpiry]: scan(),
  [JobName.ScanPlanReviewDue]: scan(),
  [JobName.ScanRecoveryMilestones]: scan(),
  [JobName.ScanNoContact]: scan(),
  [JobName.ScanConsentExpiry]: scan(),
  // Creates the connection-check task of a referral out (issue 16); once per referral.
  [JobName.ReferralOutFollowUp]: job<{ organizationId: string; referralOutId: string }>(
    QueueName.FollowUps,
  ),
  // One attempt per job: the handler schedules the next attempt itself (its own backoff with
  // jitter over 24 hours, logged per attempt), so BullMQ retries only a crashed run.
  [JobName.WebhookDeliver]: job<{ organizationId: string; deliveryId: string }>(
    QueueName.Webhooks,
    { options: { attempts: 3, backoff: { type: 'exponential', delay: 5000 } } },
  ),
} satisfies Record<JobName, JobDeclaration<object>>;

/** Each job's payload type, read from its declaration. */
export type JobPayloads = {
  [N in JobName]: (typeof JOBS)[N] extends JobDeclaration<infer P> ? P : never;
};

/** The declaration of a job name read back from Redis or the outbox (undefined: unknown name). */
export function jobDeclaration(name: string): JobDeclaration<object> | undefined {
  return (JOBS as Partial<Record<string, JobDeclaration<object>>>)[name];
}

export interface JobRequest<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deduplicates while the job exists; "exactly once" effects rest on Postgres unique keys. */
  jobId: string;
  runAt?: Date;
}
