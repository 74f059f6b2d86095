import { Module } from '@nestjs/common';

import { CoreModule } from './core.module';
import { AuditPartitionsWorker } from './modules/audit/audit-partitions.worker';
import { AuditSealerWorker } from './modules/audit/audit-sealer.worker';
import { DisclosurePurgeWorker } from './modules/disclosures/disclosure-purge.worker';
import { DisclosureRepository } from './modules/disclosures/disclosure.repository';
import { FollowUpsWorkerModule } from './modules/follow-ups/follow-ups-worker.module';
import { IdempotencyPurgeWorker } from './modules/idempotency/idempotency-purge.worker';
import { ReferralsOutWorkerModule } from './modules/referrals-out/referrals-out-worker.module';
import { NotificationsWorkerModule } from './modules/notifications/notifications-worker.module';
import { ScheduledScansWorkerModule } from './modules/scheduled-scans/scheduled-scans-worker.module';
import { WebhooksWorkerModule } from './modules/webhooks/webhooks-worker.module';
import { SessionNotesWorkerModule } from './modules/session-notes/session-notes-worker.module';
import { QueueModule } from './queue/queue.module';

/**
 * The worker: providers only, no HTTP controller and no listener (a heartbeat file instead).
 * QueueModule finds the job handlers and the periodic work among these modules' providers.
 */
@Module({
  imports: [
    CoreModule,
    QueueModule,
    NotificationsWorkerModule,
    FollowUpsWorkerModule,
    SessionNotesWorkerModule,
    ScheduledScansWorkerModule,
    ReferralsOutWorkerModule,
    WebhooksWorkerModule,
  ],
  providers: [
    AuditSealerWorker,
    AuditPartitionsWorker,
    IdempotencyPurgeWorker,
    DisclosurePurgeWorker,
    DisclosureRepository,
  ],
})
export class WorkerModule {}
