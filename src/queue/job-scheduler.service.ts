import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { JobDeclaration, JOBS, JobName } from './jobs';

/**
 * Registers a BullMQ job scheduler for every periodic job (declared with `every`), its id the
 * job's name, when the worker boots. upsertJobScheduler is idempotent: every worker does it, Redis
 * keeps one scheduler per id, and each slot yields one job however many workers are running. A
 * scheduler lost with Redis data is back at the next boot. An interval of 0 removes the scheduler.
 */
@Injectable()
export class JobSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobSchedulerService.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const registered: string[] = [];
    for (const name of Object.values(JobName)) {
      const { queue: queueName, every, options }: JobDeclaration<object> = JOBS[name];
      if (!every) continue;
      const queue = this.moduleRef.get<Queue>(getQueueToken(queueName), { strict: false });
      const everyMs = every(this.config);
      if (everyMs === 0) {
        await queue.removeJobScheduler(name);
        continue;
      }
      await queue.upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: options });
      registered.push(name);
    }
    this.logger.log({ jobs: registered }, 'job schedulers registered');
  }
}
