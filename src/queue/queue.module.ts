import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { QueueName } from './jobs';
import { OutboxRelayService } from './outbox-relay.service';
import { bullConnection } from './redis-connection';

export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** BullMQ queues and the outbox relay: the worker process only. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        connection: bullConnection(config.redis.url),
        prefix: config.app.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
  ],
  providers: [OutboxRelayService],
  exports: [BullModule, OutboxRelayService],
})
export class QueueModule {}
