import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { JOBS, JobName, JobRequest } from './jobs';

/**
 * The only way the API schedules work: a row in the outbox, written in the caller's transaction.
 * The worker's relay moves rows to BullMQ, so a job is never lost when Redis is down, and never
 * exists for a write that rolled back.
 */
@Injectable()
export class OutboxService {
  /** `correlationId`: the request's, copied into every job's payload (null outside a request). */
  async enqueue<N extends JobName>(
    manager: EntityManager,
    jobs: JobRequest<N>[],
    correlationId: string | null,
  ): Promise<void> {
    if (jobs.length === 0) return;
    const values: unknown[] = [];
    const tuples = jobs.map((job, i) => {
      values.push(
        JOBS[job.name].queue,
        job.name,
        job.jobId,
        JSON.stringify({ ...job.payload, correlationId }),
        (job.runAt ?? new Date()).toISOString(),
      );
      const b = i * 5;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
    });
    await manager.query(
      `INSERT INTO outbox (queue, job_name, job_id, payload, run_at) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
