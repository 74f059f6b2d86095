/** Queues and their jobs. Payloads carry ids only (no PHI); processors re-read the database. */
export enum QueueName {
  Notifications = 'notifications',
  FollowUps = 'follow-ups',
  SessionNotes = 'session-notes',
  ScheduledScans = 'scheduled-scans',
}

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
}

export interface JobPayloads {
  [JobName.AccountLocked]: { organizationId: string; userId: string; windowStartedAt: string };
  [JobName.FollowUpReminder]: { organizationId: string; followUpId: string };
  [JobName.FollowUpEscalation]: { organizationId: string; followUpId: string; reason: 'overdue' | 'unreachable' };
  [JobName.NoteCrisisFlag]: { organizationId: string; noteId: string; clientId: string };
  // Periodic scans (BullMQ job schedulers) cover every organization and carry nothing.
  [JobName.ScanCertificationExpiry]: Record<string, never>;
  [JobName.ScanPlanReviewDue]: Record<string, never>;
  [JobName.ScanRecoveryMilestones]: Record<string, never>;
  [JobName.ScanNoContact]: Record<string, never>;
  [JobName.ScanConsentExpiry]: Record<string, never>;
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.AccountLocked]: QueueName.Notifications,
  [JobName.FollowUpReminder]: QueueName.FollowUps,
  [JobName.FollowUpEscalation]: QueueName.FollowUps,
  [JobName.NoteCrisisFlag]: QueueName.SessionNotes,
  [JobName.ScanCertificationExpiry]: QueueName.ScheduledScans,
  [JobName.ScanPlanReviewDue]: QueueName.ScheduledScans,
  [JobName.ScanRecoveryMilestones]: QueueName.ScheduledScans,
  [JobName.ScanNoContact]: QueueName.ScheduledScans,
  [JobName.ScanConsentExpiry]: QueueName.ScheduledScans,
};

export interface JobRequest<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deduplicates while the job exists; "exactly once" effects rest on Postgres unique keys. */
  jobId: string;
  runAt?: Date;
}
