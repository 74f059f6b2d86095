import { Module } from '@nestjs/common';

import { ScanSchedulerService } from './scan-scheduler.service';
import { ScheduledScansProcessor } from './scheduled-scans.processor';
import { ScheduledScansService } from './scheduled-scans.service';

/**
 * Worker side of SPEC 7's other scheduled work: certification expiry, plan review due, recovery
 * milestones, no contact for 14 days. Consent expiry waits for the consents of SPEC 8.
 */
@Module({
  providers: [ScheduledScansService, ScheduledScansProcessor, ScanSchedulerService],
  exports: [ScheduledScansService],
})
export class ScheduledScansWorkerModule {}
