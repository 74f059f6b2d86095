import { rm, writeFile, rename } from 'node:fs/promises';

import { Worker } from 'bullmq';
import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { PeriodicTask } from '../common/periodic-task';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { REDIS } from '../redis/redis.module';

/**
 * The worker's processors, for the heartbeat to check that each still consumes its queue: a
 * function, resolved at each beat (a provider resolved at construction may still be Nest's
 * placeholder for an instance not yet built).
 */
export const WORKER_HOSTS = Symbol('WORKER_HOSTS');

export interface QueueConsumer {
  readonly worker: Worker | undefined;
}

/**
 * The worker has no HTTP listener; its health is a file. Every `intervalMs`, when Postgres and
 * Redis answer and every BullMQ worker is running, it writes the time into the heartbeat file
 * (atomically). `worker-health` (the container healthcheck) fails when the file is older than three
 * intervals or missing; the file is removed on shutdown. Disabled when no file is configured.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task?: PeriodicTask;
  private readonly file?: string;

  constructor(
    @Inject(CONFIG) config: Config,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(WORKER_HOSTS) private readonly hosts: () => QueueConsumer[],
  ) {
    const { file, intervalMs } = config.worker.heartbeat;
    if (!file) return;
    this.file = file;
    this.task = new PeriodicTask('worker heartbeat', () => this.beat(file), intervalMs);
  }

  onApplicationBootstrap(): void {
    this.task?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.task?.stop();
    if (this.file) await rm(this.file, { force: true });
  }

  private async beat(file: string): Promise<'idle'> {
    await this.dataSource.query('SELECT 1');
    await this.redis.ping();
    const stopped = this.hosts()
      .filter((h) => !consuming(h))
      .map((h) => h.constructor.name);
    if (stopped.length > 0) throw new Error(`workers not running: ${stopped.join(', ')}`);
    await writeFile(`${file}.tmp`, String(Date.now()));
    await rename(`${file}.tmp`, file);
    return 'idle';
  }
}

function consuming(host: QueueConsumer): boolean {
  try {
    return host.worker?.isRunning() ?? false;
  } catch {
    return false; // WorkerHost throws before its worker is registered
  }
}
