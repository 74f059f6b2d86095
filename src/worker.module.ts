import { Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';

import { IdempotencyPurgeWorker } from './common/http/idempotency-purge.worker';
import { CoreModule } from './core.module';
import { AuditSealerWorker } from './modules/audit/audit-sealer.worker';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { NotificationsProcessor } from './modules/notifications/notifications.processor';
import { SecurityNotificationsService } from './modules/notifications/security-notifications.service';
import { Notification } from './modules/notifications/notification.entity';
import { QueueModule } from './queue/queue.module';
import { QueueConsumer, WORKER_HOSTS, WorkerHeartbeat } from './queue/worker-heartbeat';
import { SessionNotesWorkerModule } from './modules/session-notes/session-notes-worker.module';
import { SessionNotesProcessor } from './modules/session-notes/session-notes.processor';
import { FollowUpsWorkerModule } from './modules/follow-ups/follow-ups-worker.module';
import { FollowUpsProcessor } from './modules/follow-ups/follow-ups.processor';
import { ScheduledScansWorkerModule } from './modules/scheduled-scans/scheduled-scans-worker.module';
import { ScheduledScansProcessor } from './modules/scheduled-scans/scheduled-scans.processor';

/** The worker: the outbox relay and one processor per queue. No HTTP listener: a heartbeat file. */
@Module({
  imports: [
    CoreModule,
    QueueModule,
    NotificationsModule,
    FollowUpsWorkerModule,
    SessionNotesWorkerModule,
    ScheduledScansWorkerModule,
    TypeOrmModule.forFeature([Notification]),
  ],
  providers: [
    NotificationsProcessor,
    SecurityNotificationsService,
    AuditSealerWorker,
    IdempotencyPurgeWorker,
    WorkerHeartbeat,
    {
      provide: WORKER_HOSTS,
      inject: [ModuleRef],
      useFactory: (refs: ModuleRef) => (): QueueConsumer[] =>
        PROCESSORS.map((p) => refs.get<QueueConsumer>(p, { strict: false })),
    },
  ],
})
export class WorkerModule {}

/** Every job needs a processor: the worker refuses to start otherwise. */
export const PROCESSORS = [
  NotificationsProcessor,
  FollowUpsProcessor,
  SessionNotesProcessor,
  ScheduledScansProcessor,
];
