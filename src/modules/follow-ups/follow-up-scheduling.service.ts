import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { JobName, JobPayloads, JobRequest } from '../../queue/jobs';
import { FollowUpRepository } from './follow-up.repository';

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
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly repo: FollowUpRepository,
  ) {}

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
    const fresh = await this.repo.insertJobs(manager, jobs);
    return jobs.filter((j) => fresh.has(j.jobId));
  }
}
