import { Module } from '@nestjs/common';

import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { SessionNoteAlertsService } from './session-note-alerts.service';
import { SessionNoteRepository } from './session-note.repository';
import { SessionNotesProcessor } from './session-notes.processor';

/** Worker side of session notes: crisis-flag notifications. */
@Module({
  imports: [NotificationsCoreModule],
  providers: [SessionNotesProcessor, SessionNoteAlertsService, SessionNoteRepository],
})
export class SessionNotesWorkerModule {}
