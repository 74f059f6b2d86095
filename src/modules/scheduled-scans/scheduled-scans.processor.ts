import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';

import { JobName, QueueName } from '../../queue/jobs';
import { LoggedWorkerHost } from '../../queue/logged-worker-host';
import { ScheduledScansService } from './scheduled-scans.service';

/** Runs the periodic scans; each is idempotent, so a retried or doubled run notifies once. */
@Processor(QueueName.ScheduledScans)
export class ScheduledScansProcessor extends LoggedWorkerHost {
  static readonly handles: JobName[] = [
    JobName.ScanCertificationExpiry,
    JobName.ScanPlanReviewDue,
    JobName.ScanRecoveryMilestones,
    JobName.ScanNoContact,
    JobName.ScanConsentExpiry,
  ];

  constructor(private readonly scans: ScheduledScansService) {
    super();
  }

  async process(job: Job): Promise<{ notified: number }> {
    switch (job.name) {
      case JobName.ScanCertificationExpiry:
        return { notified: await this.scans.certificationExpiry() };
      case JobName.ScanPlanReviewDue:
        return { notified: await this.scans.planReviewDue() };
      case JobName.ScanRecoveryMilestones:
        return { notified: await this.scans.recoveryMilestones() };
      case JobName.ScanNoContact:
        return { notified: await this.scans.noContact() };
      case JobName.ScanConsentExpiry:
        return { notified: await this.scans.consentExpiry() };
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }
}
