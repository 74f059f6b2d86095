import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { JobName, JobPayloads } from '../../queue/jobs';
import type { JobOutcome } from '../follow-ups/follow-up-jobs.service';
import { OutboxService } from '../../queue/outbox.service';
import { FollowUpSchedulingService } from '../follow-ups/follow-up-scheduling.service';
import { REFERRAL_FOLLOW_UP_GRACE_DAYS, REFERRAL_FOLLOW_UP_LABEL } from './referral-follow-up';
import { ReferralStatus, taskOutcomeOf } from './referral-status';

interface ReferralForTask {
  clientId: string;
  status: ReferralStatus;
  sentAt: Date;
  dueAt: Date;
  ownerId: string | null;
  clientStatus: string;
}

/**
 * Creates a referral's connection-check task (a follow-up owned by the client's primary
 * specialist), once: `follow_up.referral_out_id` is unique, so a job delivered twice creates one
 * task. The referral row is locked, so a status change and this job are ordered: a referral that
 * already ended gets its task created closed.
 */
@Injectable()
export class ReferralFollowUpJobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scheduling: FollowUpSchedulingService,
    private readonly outbox: OutboxService,
  ) {}

  async createTask(payload: JobPayloads[JobName.ReferralOutFollowUp]): Promise<JobOutcome> {
    return this.dataSource.transaction(async (m) => {
      const [referral]: ReferralForTask[] = await m.query(
        `SELECT x.client_id AS "clientId", x.status, x.sent_at AS "sentAt", x.follow_up_due_at AS "dueAt",
                c.primary_specialist_id AS "ownerId", c.status AS "clientStatus"
           FROM referral_out x JOIN client c ON c.id = x.client_id
          WHERE x.id = $1 AND x.organization_id = $2 FOR UPDATE OF x`,
        [payload.referralOutId, payload.organizationId],
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
      const inserted: { id: string }[] = await m.query(
        `INSERT INTO follow_up (organization_id, client_id, kind, label, status, due_at, window_start,
           window_end, owner_id, referral_out_id, status_reason, completed_at)
         VALUES ($1, $2, 'contact', $3, $4, $5, $6, $7, $8, $9, $10,
           CASE WHEN $4 = 'completed' THEN now() END)
         ON CONFLICT (referral_out_id) DO NOTHING RETURNING id`,
        [
          payload.organizationId,
          referral.clientId,
          REFERRAL_FOLLOW_UP_LABEL,
          closed?.status ?? 'requested',
          referral.dueAt,
          referral.sentAt,
          windowEnd,
          referral.ownerId,
          payload.referralOutId,
          closed?.reason ?? null,
        ],
      );
      if (inserted.length === 0) return 'skipped';
      if (!closed) {
        const jobs = await this.scheduling.planJobs(m, [
          {
            id: inserted[0].id,
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
