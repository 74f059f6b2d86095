import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';

import { JobName, JobPayloads, QueueName } from '../../queue/jobs';
import { LoggedWorkerHost } from '../../queue/logged-worker-host';
import { SessionNoteAlertsService } from './session-note-alerts.service';

@Processor(QueueName.SessionNotes)
export class SessionNotesProcessor extends LoggedWorkerHost {
  static readonly handles: JobName[] = [JobName.NoteCrisisFlag];

  constructor(private readonly alerts: SessionNoteAlertsService) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.NoteCrisisFlag:
        return this.alerts.crisisFlag(job.data as JobPayloads[JobName.NoteCrisisFlag]);
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }
}
