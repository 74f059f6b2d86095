import { Injectable } from '@nestjs/common';

import { JobName, JobPayloads } from '../../queue/jobs';
import type { JobOutcome } from '../follow-ups/follow-up-jobs.service';
import { OutboxService } from '../../queue/outbox.service';
import { FollowUpSchedulingService } from '../follow-ups/follow-up-scheduling.service';
import { REFERRAL_FOLLOW_UP_GRACE_DAYS, REFERRAL_FOLLOW_UP_LABEL } from './referral-follow-up';
import { ReferralOutRepository } from './referral-out.repository';
import { taskOutcomeOf } from './referral-status';

/**
 * Creates a referral's connection-check task (a follow-up owned by the client's primary
 * specialist), once: `follow_up.referral_out_id` is unique, so a job delivered twice creates one
 * task. The referral row is locked, so a status change and this job are ordered: a referral that
 * already ended gets its task created closed.
 */
@Injectable()
export class ReferralFollowUpJobsService {
  constructor(
    private readonly referrals: ReferralOutRepository,
    private readonly scheduling: FollowUpSchedulingService,
    private readonly outbox: OutboxService,
  ) {}

  async createTask(payload: JobPayloads[JobName.ReferralOutFollowUp]): Promise<JobOutcome> {
    return this.referrals.transaction(async (m) => {
      const referral = await this.referrals.lockForTask(
        m,
        payload.referralOutId,
        payload.organizationId,
      );
      if (!referral) return 'skipped';
      const closed =
        taskOutcomeOf(referral.status) ??
        (referral.clientStatus === 'closed'
          ? { status: 'cancelled', reason: 'client-closed' }
          : null);
      const windowEnd = new Date(
        referral.dueAt.getTime() + REFERRAL_FOLLOW_UP_GRACE_DAYS * 86_400_000,
      );
      const taskId = await this.referrals.insertTask(m, {
        organizationId: payload.organizationId,
        clientId: referral.clientId,
        label: REFERRAL_FOLLOW_UP_LABEL,
        status: closed?.status ?? 'requested',
        dueAt: referral.dueAt,
        windowStart: referral.sentAt,
        windowEnd,
        ownerId: referral.ownerId,
        referralOutId: payload.referralOutId,
        statusReason: closed?.reason ?? null,
      });
      if (taskId === null) return 'skipped';
      if (!closed) {
        const jobs = await this.scheduling.planJobs(m, [
          {
            id: taskId,
            organizationId: payload.organizationId,
            dueAt: referral.dueAt,
            windowEnd,
          },
        ]);
        await this.outbox.enqueue(m, jobs, null);
      }
      return 'done';
    });
  }
}
