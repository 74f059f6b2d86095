import { Module } from '@nestjs/common';

import { ScheduledScanRepository } from './scheduled-scan.repository';
import { ScheduledScansProcessor } from './scheduled-scans.processor';
import { ScheduledScansService } from './scheduled-scans.service';

/**
 * Worker side of SPEC 7's other scheduled work: certification expiry, plan review due, recovery
 * milestones, no contact for 14 days, consent expiry (periodic jobs, see JOBS in queue/jobs.ts).
 */
@Module({
  providers: [ScheduledScansService, ScheduledScansProcessor, ScheduledScanRepository],
  exports: [ScheduledScansService],
})
export class ScheduledScansWorkerModule {}
