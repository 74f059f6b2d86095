import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';

import { Periodic } from '../../common/periodic-task';
import { jobDeclaration, QueueName } from '../../queue/jobs';
import { FollowUpRepository, PendingJob } from './follow-up.repository';

const BATCH = 500;

/**
 * Re-creates follow-up jobs that Redis lost (flushed, restored from an old snapshot, evicted).
 * Postgres is the source of truth: every follow_up_job row not yet done, of a task still open
 * (or of a failed task's "unable to reach" escalation), must have its BullMQ job. A missing job is
 * added again under its deterministic id; a finished one (its run was skipped while the task was on
 * hold, or it ran out of attempts) is replaced.
 * Safe with several workers: adds are deduplicated by job id, and effects by the processors.
 */
@Injectable()
export class FollowUpReconcilerService {
  private readonly logger = new Logger(FollowUpReconcilerService.name);

  constructor(
    private readonly repo: FollowUpRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  // The first pass runs at boot: a worker starting after an outage restores what Redis lost meanwhile.
  @Periodic({
    name: 'follow-up reconciler',
    every: (config) => config.followUps.reconcileIntervalMs,
  })
  async reconcile(): Promise<'idle'> {
    const restored = await this.reconcileOnce();
    if (restored > 0) this.logger.warn({ restored }, 'follow-up jobs re-created');
    return 'idle';
  }

  /** One full pass; returns how many jobs were re-created. */
  async reconcileOnce(): Promise<number> {
    let restored = 0;
    let after = '';
    for (;;) {
      const rows = await this.repo.pendingJobsAfter(after, BATCH);
      restored += await this.reconcileRows(rows);
      if (rows.length < BATCH) return restored;
      after = rows[rows.length - 1].job_id;
    }
  }

  /**
   * One batch in a few round trips, not two per job: one Redis pipeline reads every job's
   * state, one query re-checks the finished ones, one addBulk restores. Returns how many.
   */
  private async reconcileRows(rows: PendingJob[]): Promise<number> {
    if (rows.length === 0) return 0;
    const queue = this.queue();
    const states = await this.statesOf(
      queue,
      rows.map((r) => r.job_id),
    );
    const missing = rows.filter((_, i) => states[i] === 'missing');
    // The pass read its rows before a job may have finished with its effect: only a job that
    // finished without one (done_at still null) is replaced.
    const finished = rows.filter((_, i) => states[i] === 'finished');
    const stale = new Set(
      finished.length ? await this.repo.stillPendingJobIds(finished.map((r) => r.job_id)) : [],
    );
    const replaced = finished.filter((r) => stale.has(r.job_id));
    for (const row of replaced) await queue.remove(row.job_id);
    const restore = [...missing, ...replaced];
    if (restore.length === 0) return 0;
    const now = Date.now();
    await queue.addBulk(
      restore.map((row) => ({
        name: row.job_name,
        data: row.payload,
        opts: {
          ...jobDeclaration(row.job_name)?.options,
          jobId: row.job_id,
          delay: Math.max(0, row.run_at.getTime() - now),
        },
      })),
    );
    return restore.length;
  }

  /** Per job: no key in Redis, finished (completed or failed), or live (waiting, delayed, active). */
  private async statesOf(
    queue: Queue,
    jobIds: string[],
  ): Promise<('missing' | 'finished' | 'live')[]> {
    // BullMQ types its client loosely; it is the ioredis connection the queue was given.
    const pipeline = ((await queue.client) as unknown as Redis).pipeline();
    for (const id of jobIds) {
      pipeline.exists(queue.toKey(id));
      pipeline.zscore(queue.keys.completed, id);
      pipeline.zscore(queue.keys.failed, id);
    }
    const replies = (await pipeline.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    return jobIds.map((_, i) => {
      const [[, exists], [, completed], [, failedAt]] = replies.slice(3 * i, 3 * i + 3);
      if (!exists) return 'missing';
      return completed !== null || failedAt !== null ? 'finished' : 'live';
    });
  }

  private queue(): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
  }
}
