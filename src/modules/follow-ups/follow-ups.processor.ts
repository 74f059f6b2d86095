import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import { FollowUpJobsService, JobOutcome } from './follow-up-jobs.service';

/** The follow-up jobs. The job id is their bookkeeping row's key (follow_up_job.job_id). */
@Injectable()
export class FollowUpsProcessor {
  constructor(private readonly jobs: FollowUpJobsService) {}

  @JobHandler(JobName.FollowUpReminder)
  remind(payload: JobPayloads[JobName.FollowUpReminder], job: Job): Promise<JobOutcome> {
    return this.jobs.remind(job.id ?? '', payload);
  }

  @JobHandler(JobName.FollowUpEscalation)
  escalate(payload: JobPayloads[JobName.FollowUpEscalation], job: Job): Promise<JobOutcome> {
    return this.jobs.escalate(job.id ?? '', payload);
  }
}
