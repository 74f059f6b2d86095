import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { PeriodicTask } from '../../common/periodic-task';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { QueueName } from '../../queue/jobs';

interface PendingJob {
  job_id: string;
  job_name: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

const BATCH = 500;

/**
 * Re-creates follow-up jobs that Redis lost (flushed, restored from an old snapshot, evicted).
 * Postgres is the source of truth: every follow_up_job row not yet done, of a task still open
 * (or of a failed task's "unable to reach" escalation), must have its BullMQ job. A missing job is added again under its deterministic id; a finished
 * one (its run was skipped while the task was on hold, or it ran out of attempts) is replaced.
 * Safe with several workers: adds are deduplicated by job id, and effects by the processors.
 */
@Injectable()
export class FollowUpReconcilerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FollowUpReconcilerService.name);
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @Inject(CONFIG) config: Config,
  ) {
    this.task = new PeriodicTask(
      'follow-up reconciler',
      async () => {
        const restored = await this.reconcileOnce();
        if (restored > 0) this.logger.warn({ restored }, 'follow-up jobs re-created');
        return 'idle';
      },
      config.followUps.reconcileIntervalMs,
    );
  }

  // A pass at boot too: a worker starting after an outage restores what Redis lost meanwhile.
  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** One full pass; returns how many jobs were re-created. */
  async reconcileOnce(): Promise<number> {
    let restored = 0;
    let after = '';
    for (;;) {
      const rows = await this.pendingAfter(after);
      for (const row of rows) if (await this.ensure(row)) restored++;
      if (rows.length < BATCH) return restored;
      after = rows[rows.length - 1].job_id;
    }
  }

  private async pendingAfter(after: string): Promise<PendingJob[]> {
    return this.dataSource.query(
      `SELECT j.job_id, j.job_name, j.payload, j.run_at FROM follow_up_job j
       JOIN follow_up f ON f.id = j.follow_up_id
       WHERE j.done_at IS NULL AND j.job_id > $1
         AND (f.status IN ('requested', 'ready', 'in-progress')
           OR (f.status = 'failed' AND j.payload->>'reason' = 'unreachable'))
       ORDER BY j.job_id LIMIT ${BATCH}`,
      [after],
    );
  }

  private async ensure(row: PendingJob): Promise<boolean> {
    const queue = this.queue();
    const existing = await queue.getJob(row.job_id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') return false;
      // The pass read its rows before this job may have finished with its effect: only a job
      // that finished without one (done_at still null) is replaced.
      if (!(await this.stillPending(row.job_id))) return false;
      await existing.remove();
    }
    const delay = Math.max(0, row.run_at.getTime() - Date.now());
    await queue.add(row.job_name, row.payload, { jobId: row.job_id, delay });
    return true;
  }

  private async stillPending(jobId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM follow_up_job WHERE job_id = $1 AND done_at IS NULL`,
      [jobId],
    );
    return rows.length > 0;
  }

  private queue(): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
  }
}
