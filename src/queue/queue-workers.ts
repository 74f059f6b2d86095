import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Worker } from 'bullmq';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { JobHandlerRegistry } from './job-handler-registry';
import { JOBS, QUEUE_CONCURRENCY, QueueName } from './jobs';
import { bullConnection } from './redis-connection';

const QUEUES_WITH_JOBS = [...new Set(Object.values(JOBS).map((job) => job.queue))];

/**
 * Builds every BullMQ worker of the process, one per queue that has jobs, all the same way: the
 * registry's handlers, the queue's concurrency, and the lock and stalled-check intervals from
 * configuration (they decide how soon the job of a crashed worker runs again). Worker errors (a
 * lost Redis connection, a job key removed under it) are logged, not thrown: a BullMQ worker with
 * no `error` listener would crash the process. Workers start once every module is initialized
 * (the registry has refused a job without a handler by then) and close, letting the jobs in
 * flight finish, before the database and Redis connections do.
 */
@Injectable()
export class QueueWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueueWorkers.name);
  private readonly consumers = new Map<QueueName, Worker>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly registry: JobHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    for (const queue of QUEUES_WITH_JOBS) this.consumers.set(queue, this.build(queue));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((w) => w.close()));
  }

  /** Every worker, by queue. */
  get workers(): ReadonlyMap<QueueName, Worker> {
    return this.consumers;
  }

  /** Queues whose worker is not consuming (not built yet, closed, or its connection is down). */
  stopped(): QueueName[] {
    return QUEUES_WITH_JOBS.filter((queue) => !this.consumers.get(queue)?.isRunning());
  }

  private build(queue: QueueName): Worker {
    const worker = new Worker(queue, (job) => this.registry.run(job), {
      connection: bullConnection(this.config.redis),
      prefix: this.config.app.queuePrefix,
      concurrency: QUEUE_CONCURRENCY[queue],
      lockDuration: this.config.followUps.lockDurationMs,
      stalledInterval: this.config.followUps.stalledIntervalMs,
    });
    // Only the message: job payloads carry ids only anyway.
    worker.on('error', (err) => this.logger.warn({ err: err.message, queue }, 'worker error'));
    return worker;
  }
}
