import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { organizationSupervisorIds, teamSupervisorIds } from '../../auth/access/scope.sql';
import { JobName, JobPayloads } from '../../queue/jobs';
import { NotificationsService } from '../notifications/notifications.service';
import { WebhookEventsService } from '../webhooks/webhook-events.service';

export type JobOutcome = 'done' | 'skipped';

interface TaskRow {
  id: string;
  organization_id: string;
  client_id: string;
  owner_id: string | null;
  label: string;
  due_at: Date;
  window_end: Date;
  open: boolean;
  done_at: Date | null;
}

// $1 organization, $2 owner: the supervisors of the teams the owner is on.
const TEAM_SUPERVISORS = teamSupervisorIds({ members: '= $2', org: '$1' });
// $1 organization: its supervisors (the "needs assignment" queue is theirs to work).
const ORGANIZATION_SUPERVISORS = organizationSupervisorIds('$1');

/**
 * What the follow-up jobs do. Each re-reads the task and returns quietly when it is no longer
 * open or the job already had its effect, so a job delivered twice (retry, reconciler, a crashed
 * worker's stalled job) notifies once: notification dedupe keys, then follow_up_job.done_at.
 */
@Injectable()
export class FollowUpJobsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    return this.dataSource.transaction(async (m) => {
      // An UPDATE ... RETURNING answers [rows, affected] through TypeORM.
      const [marked]: [unknown[], number] = await m.query(
        `UPDATE follow_up_job SET done_at = now() WHERE job_id = $1 AND done_at IS NULL RETURNING 1`,
        [jobId],
      );
      if (marked.length === 0) return 'done' as JobOutcome;
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
    const [task]: TaskRow[] = await this.dataSource.query(
      `SELECT f.id, f.organization_id, f.client_id, f.owner_id, f.label, f.due_at, f.window_end,
              f.status IN ('requested', 'ready', 'in-progress') OR ($3 AND f.status = 'failed') AS open,
              j.done_at
       FROM follow_up f JOIN follow_up_job j ON j.follow_up_id = f.id AND j.job_id = $1
       WHERE f.id = $2`,
      [jobId, followUpId, orFailed],
    );
    return task?.open && !task.done_at ? task : undefined;
  }

  private async supervisors(task: TaskRow): Promise<string[]> {
    if (task.owner_id) {
      const rows: { id: string }[] = await this.dataSource.query(TEAM_SUPERVISORS, [
        task.organization_id,
        task.owner_id,
      ]);
      if (rows.length > 0) return rows.map((r) => r.id);
    }
    // No owner, or an owner on no supervised team: the organization's supervisors, not nobody.
    const all: { id: string }[] = await this.dataSource.query(ORGANIZATION_SUPERVISORS, [
      task.organization_id,
    ]);
    return all.map((r) => r.id);
  }

  private async markDone(jobId: string): Promise<JobOutcome> {
    await this.dataSource.query(
      `UPDATE follow_up_job SET done_at = now() WHERE job_id = $1 AND done_at IS NULL`,
      [jobId],
    );
    return 'done';
  }
}
