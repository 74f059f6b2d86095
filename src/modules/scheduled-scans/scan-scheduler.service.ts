import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { QueueName } from '../../queue/jobs';
import { ScheduledScansProcessor } from './scheduled-scans.processor';

/** One BullMQ job scheduler per scan; its id is the job name. */
export const SCAN_SCHEDULER_IDS = ScheduledScansProcessor.handles;

/**
 * Registers the scans' job schedulers when the worker boots. upsertJobScheduler is idempotent:
 * every worker does it, Redis keeps one scheduler per id, and each slot yields one job however
 * many workers are running. A scheduler lost with Redis data is back at the next boot. With
 * SCHEDULED_SCAN_INTERVAL_MS=0 the schedulers are removed instead.
 */
@Injectable()
export class ScanSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ScanSchedulerService.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.scheduledScans.intervalMs;
    const queue = this.moduleRef.get<Queue>(getQueueToken(QueueName.ScheduledScans), {
      strict: false,
    });
    for (const name of SCAN_SCHEDULER_IDS) {
      if (every === 0) {
        await queue.removeJobScheduler(name);
        continue;
      }
      await queue.upsertJobScheduler(
        name,
        { every },
        // A scan superseded by the next slot needs no long retry tail.
        { name, data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 5000 } } },
      );
    }
    this.logger.log({ every, scans: SCAN_SCHEDULER_IDS.length }, 'scheduled scans registered');
  }
}
