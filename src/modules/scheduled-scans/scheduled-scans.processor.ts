import { Injectable } from '@nestjs/common';

import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName } from '../../queue/jobs';
import { ScheduledScansService } from './scheduled-scans.service';

/** The periodic scans; each is idempotent, so a retried or doubled run notifies once. */
@Injectable()
export class ScheduledScansProcessor {
  constructor(private readonly scans: ScheduledScansService) {}

  @JobHandler(JobName.ScanCertificationExpiry)
  async certificationExpiry(): Promise<{ notified: number }> {
    return { notified: await this.scans.certificationExpiry() };
  }

  @JobHandler(JobName.ScanPlanReviewDue)
  async planReviewDue(): Promise<{ notified: number }> {
    return { notified: await this.scans.planReviewDue() };
  }

  @JobHandler(JobName.ScanRecoveryMilestones)
  async recoveryMilestones(): Promise<{ notified: number }> {
    return { notified: await this.scans.recoveryMilestones() };
  }

  @JobHandler(JobName.ScanNoContact)
  async noContact(): Promise<{ notified: number }> {
    return { notified: await this.scans.noContact() };
  }

  @JobHandler(JobName.ScanConsentExpiry)
  async consentExpiry(): Promise<{ notified: number }> {
    return { notified: await this.scans.consentExpiry() };
  }
}
