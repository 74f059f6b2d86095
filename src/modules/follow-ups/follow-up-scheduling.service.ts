import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { JobName, JobPayloads, JobRequest } from '../../queue/jobs';

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
 * Plans a follow-up's jobs: one row each in follow_up_job (the reconciler's source of truth), in
 * the caller's transaction; returns the jobs not planned before, for the caller to put in the
 * outbox in the same transaction (`tx.enqueue` in a unit of work, `OutboxService.enqueue` in a
 * worker's or seed's own transaction).
 */
@Injectable()
export class FollowUpSchedulingService {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** The reminder to the owner (only while the due time is ahead) and the overdue escalation. */
  async planJobs(
    manager: EntityManager,
    followUps: SchedulableFollowUp[],
  ): Promise<JobRequest<FollowUpJobName>[]> {
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
    return this.record(manager, jobs);
  }

  /** Escalation after the organization's number of "unable to reach" attempts: once per task. */
  async planUnreachableEscalation(
    manager: EntityManager,
    organizationId: string,
    followUpId: string,
  ): Promise<JobRequest<FollowUpJobName>[]> {
    const payload: JobPayloads[JobName.FollowUpEscalation] = {
      organizationId,
      followUpId,
      reason: 'unreachable',
    };
    return this.record(manager, [
      { name: JobName.FollowUpEscalation, jobId: unreachableJobId(followUpId), payload },
    ]);
  }

  private async record(
    manager: EntityManager,
    jobs: JobRequest<FollowUpJobName>[],
  ): Promise<JobRequest<FollowUpJobName>[]> {
    if (jobs.length === 0) return [];
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
    return jobs.filter((j) => fresh.has(j.jobId));
  }
}
