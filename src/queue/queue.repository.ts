import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { QueueName } from './jobs';

/** An outbox row waiting for the relay. */
export interface OutboxRow {
  id: string;
  queue: QueueName;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

/**
 * The worker machinery's data access: the outbox relay's claim and dispatch mark, and the
 * heartbeat's probe. (The outbox rows are written by OutboxService, in the caller's transaction.)
 */
@Injectable()
export class QueueRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (a relay pass holds its claimed rows until it commits). */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Up to `batch` undispatched rows, oldest first, locked (SKIP LOCKED: relays share the work). */
  claimOutboxBatch(manager: EntityManager, batch: number): Promise<OutboxRow[]> {
    return manager.query(
      `SELECT id, queue, job_name, job_id, payload, run_at FROM outbox
         WHERE dispatched_at IS NULL ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED`,
    );
  }

  async markOutboxDispatched(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`,
      [ids],
    );
  }

  /** Does Postgres answer? */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
