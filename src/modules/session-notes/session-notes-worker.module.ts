import { Module } from '@nestjs/common';

import { NotificationsModule } from '../notifications/notifications.module';
import { SessionNoteAlertsService } from './session-note-alerts.service';
import { SessionNotesProcessor } from './session-notes.processor';

/** Worker side of session notes: crisis-flag notifications. */
@Module({
  imports: [NotificationsModule],
  providers: [SessionNotesProcessor, SessionNoteAlertsService],
})
export class SessionNotesWorkerModule {}
