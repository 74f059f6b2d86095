import { Injectable } from '@nestjs/common';

import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import type { JobOutcome } from '../follow-ups/follow-up-jobs.service';
import { ReferralFollowUpJobsService } from './referral-follow-up-jobs.service';

/** The referral-out jobs: the connection-check task. */
@Injectable()
export class ReferralsOutProcessor {
  constructor(private readonly jobs: ReferralFollowUpJobsService) {}

  @JobHandler(JobName.ReferralOutFollowUp)
  createFollowUp(payload: JobPayloads[JobName.ReferralOutFollowUp]): Promise<JobOutcome> {
    return this.jobs.createTask(payload);
  }
}
