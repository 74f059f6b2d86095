import { rm, writeFile, rename } from 'node:fs/promises';

import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';

import { Periodic } from '../common/periodic-task';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { RedisClient } from '../redis/redis-client';
import { REDIS } from '../redis/redis.module';
import { QueueWorkers } from './queue-workers';
import { QueueRepository } from './queue.repository';

/**
 * The worker has no HTTP listener; its health is a file. Every `intervalMs`, when Postgres and
 * Redis answer and every queue's BullMQ worker is running, it writes the time into the heartbeat
 * file (atomically). `worker-health` (the container healthcheck) fails when the file is older than
 * three intervals or missing; the file is removed on shutdown, once the beats have stopped.
 * Disabled when no file is configured.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationShutdown {
  private readonly file?: string;

  constructor(
    @Inject(CONFIG) config: Config,
    private readonly repo: QueueRepository,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly workers: QueueWorkers,
  ) {
    this.file = config.worker.heartbeat.file;
  }

  @Periodic({
    name: 'worker heartbeat',
    every: ({ worker: { heartbeat } }) => (heartbeat.file ? heartbeat.intervalMs : 0),
  })
  async beat(): Promise<'idle'> {
    if (!this.file) return 'idle';
    await this.repo.ping();
    await this.redis.ping();
    const stopped = this.workers.stopped();
    if (stopped.length > 0) throw new Error(`workers not running: ${stopped.join(', ')}`);
    await writeFile(`${this.file}.tmp`, String(Date.now()));
    await rename(`${this.file}.tmp`, this.file);
    return 'idle';
  }

  // After every module's destroy hook, so after PeriodicTaskHost stopped (and awaited) the beats.
  async onApplicationShutdown(): Promise<void> {
    if (this.file) await rm(this.file, { force: true });
  }
}
