import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';

/**
 * A `WorkerHost` whose worker errors (a lost Redis connection, a job key removed under it) are
 * logged, not thrown: a BullMQ worker with no `error` listener would crash the whole process.
 * Only the message is logged; job payloads carry ids only anyway.
 */
export abstract class LoggedWorkerHost extends WorkerHost {
  private readonly workerLogger = new Logger(this.constructor.name);

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.workerLogger.warn({ err: err.message }, 'worker error');
  }
}
