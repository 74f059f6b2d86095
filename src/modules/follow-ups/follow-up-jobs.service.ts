import { Injectable } from '@nestjs/common';

import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { FollowUpRepository, TaskRow } from './follow-up.repository';

export type JobOutcome = 'done' | 'skipped';

/**
 * What the follow-up jobs do. Each re-reads the task and returns quietly when it is no longer
 * open or the job already had its effect, so a job delivered twice (retry, reconciler, a crashed
 * worker's stalled job) notifies once: notification dedupe keys, then follow_up_job.done_at.
 */
@Injectable()
export class FollowUpJobsService {
  constructor(
    private readonly repo: FollowUpRepository,
    private readonly notifications: NotificationsService,
    private readonly webhookEvents: WebhookEventsService,
  ) {}

  async remind(jobId: string, payload: JobPayloads[JobName.FollowUpReminder]): Promise<JobOutcome> {
    const task = await this.load(jobId, payload.followUpId);
    if (!task) return 'skipped';
    const recipients = task.owner_id ? [task.owner_id] : await this.supervisors(task);
    await this.notifications.notify({
      organizationId: task.organization_id,
      recipientIds: recipients,
      kind: 'follow-up.reminder',
      dedupeKey: `follow-up-reminder|${task.id}|${task.due_at.toISOString()}`,
      resourceType: 'FollowUp',
      resourceId: task.id,
      clientId: task.client_id,
      data: { label: task.label, dueAt: task.due_at.toISOString() },
    });
    return this.markDone(jobId);
  }

  async escalate(
    jobId: string,
    payload: JobPayloads[JobName.FollowUpEscalation],
  ): Promise<JobOutcome> {
    // "Unable to reach" still concerns the supervisors once the task was closed as failed.
    const task = await this.load(jobId, payload.followUpId, payload.reason === 'unreachable');
    if (!task) return 'skipped';
    // A delayed job can fire a little early (clock skew); the window must really be closed.
    if (payload.reason === 'overdue' && task.window_end.getTime() > Date.now() + 1000)
      return 'skipped';
    await this.notifications.notify({
      organizationId: task.organization_id,
      recipientIds: await this.supervisors(task),
      kind: `follow-up.${payload.reason}`,
      dedupeKey: `follow-up-${payload.reason}|${task.id}|${task.window_end.toISOString()}`,
      resourceType: 'FollowUp',
      resourceId: task.id,
      clientId: task.client_id,
      data: { label: task.label, dueAt: task.due_at.toISOString(), ownerId: task.owner_id },
    });
    return this.markDoneWithEvent(jobId, task, payload.reason);
  }

  // The job's done mark and its webhook event commit together: a job run twice emits once.
  private markDoneWithEvent(
    jobId: string,
    task: TaskRow,
    reason: 'overdue' | 'unreachable',
  ): Promise<JobOutcome> {
    return this.repo.transaction(async (m) => {
      if (!(await this.repo.markJobDoneIn(m, jobId))) return 'done' as JobOutcome;
      await this.webhookEvents.emit(m, {
        organizationId: task.organization_id,
        type: reason === 'overdue' ? 'follow-up.overdue' : 'follow-up.escalated',
        clientId: task.client_id,
        resource: { type: 'Task', id: task.id },
        data: { followUpId: task.id, dueAt: task.due_at.toISOString(), reason },
        correlationId: null,
      });
      return 'done' as JobOutcome;
    });
  }

  /**
   * The open task (or, with `orFailed`, the task closed as failed) behind a job whose effect is
   * still to happen; otherwise undefined.
   */
  private async load(
    jobId: string,
    followUpId: string,
    orFailed = false,
  ): Promise<TaskRow | undefined> {
    const task = await this.repo.taskOfJob(jobId, followUpId, orFailed);
    return task?.open && !task.done_at ? task : undefined;
  }

  private async supervisors(task: TaskRow): Promise<string[]> {
    if (task.owner_id) {
      const ids = await this.repo.teamSupervisorIds(task.organization_id, task.owner_id);
      if (ids.length > 0) return ids;
    }
    // No owner, or an owner on no supervised team: the organization's supervisors, not nobody.
    return this.repo.organizationSupervisorIds(task.organization_id);
  }

  private async markDone(jobId: string): Promise<JobOutcome> {
    await this.repo.markJobDone(jobId);
    return 'done';
  }
}
