import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { JobHandlerRegistry } from './job-handler-registry';
import { JobSchedulerService } from './job-scheduler.service';
import { QueueName } from './jobs';
import { OutboxRelayService } from './outbox-relay.service';
import { PeriodicTaskHost } from './periodic-task-host';
import { QueueWorkers } from './queue-workers';
import { QueueRepository } from './queue.repository';
import { bullConnection } from './redis-connection';
import { WorkerHeartbeat } from './worker-heartbeat';

export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * The worker process's machinery: BullMQ queues, one worker per queue running the `@JobHandler`
 * methods, the periodic jobs' schedulers, the `@Periodic` work (the outbox relay among it) and the
 * heartbeat. The API never loads it.
 */
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        connection: bullConnection(config.redis),
        prefix: config.app.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [
    JobHandlerRegistry,
    QueueWorkers,
    JobSchedulerService,
    PeriodicTaskHost,
    OutboxRelayService,
    WorkerHeartbeat,
    QueueRepository,
  ],
  exports: [BullModule],
})
export class QueueModule {}
