import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { JobName, JobPayloads, JobRequest } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';

type FollowUpJobName = JobName.FollowUpReminder | JobName.FollowUpEscalation;

/** What scheduling needs of a follow-up: ids and instants. */
export interface SchedulableFollowUp {
  id: string;
  organizationId: string;
  dueAt: Date;
  windowEnd: Date;
}

const MINUTE = 60_000;

// Deterministic job ids: a re-add (relay retry, reconciler) of the same job is deduplicated by
// BullMQ; the "once" of the effect itself rests on follow_up_job.done_at and notification keys.
export const reminderJobId = (f: SchedulableFollowUp): string =>
  `followup-reminder.${f.id}.${f.dueAt.getTime()}`;
export const overdueJobId = (f: SchedulableFollowUp): string =>
  `followup-overdue.${f.id}.${f.windowEnd.getTime()}`;
export const unreachableJobId = (followUpId: string): string =>
  `followup-unreachable.${followUpId}`;

/**
 * Plans a follow-up's jobs: one row each in follow_up_job (the reconciler's source of truth) and
 * in the outbox (the relay moves it to BullMQ), both in the caller's transaction.
 */
@Injectable()
export class FollowUpSchedulingService {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly outbox: OutboxService,
  ) {}

  /** The reminder to the owner (only while the due time is ahead) and the overdue escalation. */
  async scheduleFor(
    manager: EntityManager,
    followUps: SchedulableFollowUp[],
    correlationId: string | null,
  ): Promise<void> {
    const { reminderLeadMinutes, escalationGraceMinutes } = this.config.followUps;
    const now = Date.now();
    const jobs: JobRequest<FollowUpJobName>[] = [];
    for (const f of followUps) {
      const payload = { organizationId: f.organizationId, followUpId: f.id };
      if (f.dueAt.getTime() > now) {
        const runAt = new Date(Math.max(now, f.dueAt.getTime() - reminderLeadMinutes * MINUTE));
        jobs.push({ name: JobName.FollowUpReminder, jobId: reminderJobId(f), payload, runAt });
      }
      jobs.push({
        name: JobName.FollowUpEscalation,
        jobId: overdueJobId(f),
        payload: { ...payload, reason: 'overdue' },
        runAt: new Date(f.windowEnd.getTime() + escalationGraceMinutes * MINUTE),
      });
    }
    await this.record(manager, jobs, correlationId);
  }

  /** Escalation after the organization's number of "unable to reach" attempts: once per task. */
  async scheduleUnreachableEscalation(
    manager: EntityManager,
    organizationId: string,
    followUpId: string,
    correlationId: string | null,
  ): Promise<void> {
    const payload: JobPayloads[JobName.FollowUpEscalation] = {
      organizationId,
      followUpId,
      reason: 'unreachable',
    };
    await this.record(
      manager,
      [{ name: JobName.FollowUpEscalation, jobId: unreachableJobId(followUpId), payload }],
      correlationId,
    );
  }

  private async record(
    manager: EntityManager,
    jobs: JobRequest<FollowUpJobName>[],
    correlationId: string | null,
  ): Promise<void> {
    if (jobs.length === 0) return;
    const values: unknown[] = [];
    const tuples = jobs.map((job, i) => {
      values.push(
        job.jobId,
        job.payload.organizationId,
        job.payload.followUpId,
        job.name,
        JSON.stringify(job.payload),
      );
      values.push((job.runAt ?? new Date()).toISOString());
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    const inserted: { job_id: string }[] = await manager.query(
      `INSERT INTO follow_up_job (job_id, organization_id, follow_up_id, job_name, payload, run_at)
       VALUES ${tuples.join(', ')} ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      values,
    );
    const fresh = new Set(inserted.map((r) => r.job_id));
    await this.outbox.enqueue(
      manager,
      jobs.filter((j) => fresh.has(j.jobId)),
      correlationId,
    );
  }
}
