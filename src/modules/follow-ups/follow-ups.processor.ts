import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Job, Worker } from 'bullmq';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { JobName, JobPayloads, QueueName } from '../../queue/jobs';
import { bullConnection } from '../../queue/redis-connection';
import { FollowUpJobsService, JobOutcome } from './follow-up-jobs.service';

/**
 * The follow-ups queue's BullMQ worker. Built by hand rather than with @Processor so that the
 * lock and stalled-check intervals come from configuration: they decide how soon the job of a
 * crashed worker runs again.
 */
@Injectable()
export class FollowUpsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  static readonly handles: JobName[] = [JobName.FollowUpReminder, JobName.FollowUpEscalation];
  private readonly logger = new Logger(FollowUpsProcessor.name);
  private consumer?: Worker;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly jobs: FollowUpJobsService,
  ) {}

  onApplicationBootstrap(): void {
    this.consumer = new Worker(QueueName.FollowUps, (job) => this.process(job), {
      connection: bullConnection(this.config.redis.url),
      prefix: this.config.app.queuePrefix,
      concurrency: 5,
      lockDuration: this.config.followUps.lockDurationMs,
      stalledInterval: this.config.followUps.stalledIntervalMs,
    });
    this.consumer.on('error', (err) =>
      this.logger.warn({ err: err.message }, 'follow-ups worker error'),
    );
  }

  get worker(): Worker | undefined {
    return this.consumer;
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.close();
  }

  async process(job: Job): Promise<JobOutcome> {
    const jobId = job.id ?? '';
    switch (job.name) {
      case JobName.FollowUpReminder:
        return this.jobs.remind(jobId, job.data as JobPayloads[JobName.FollowUpReminder]);
      case JobName.FollowUpEscalation:
        return this.jobs.escalate(jobId, job.data as JobPayloads[JobName.FollowUpEscalation]);
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }
}
