import { Injectable } from '@nestjs/common';

import { JobHandler } from '../../queue/job-handler.decorator';
import { JobName, JobPayloads } from '../../queue/jobs';
import { SessionNoteAlertsService } from './session-note-alerts.service';

@Injectable()
export class SessionNotesProcessor {
  constructor(private readonly alerts: SessionNoteAlertsService) {}

  @JobHandler(JobName.NoteCrisisFlag)
  crisisFlag(payload: JobPayloads[JobName.NoteCrisisFlag]): Promise<number> {
    return this.alerts.crisisFlag(payload);
  }
}
