import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { RelapsePreventionModule } from '../relapse-prevention/relapse-prevention.module';
import { ClientTimelineService } from './client-timeline.service';
import { SessionNoteAddendum } from './session-note-addendum.entity';
import { SessionNoteSigningService } from './session-note-signing.service';
import { SessionNoteSupport } from './session-note-support.service';
import { SessionNote } from './session-note.entity';
import { SessionNoteRepository } from './session-note.repository';
import { ClientSessionNotesController, SessionNotesController } from './session-notes.controller';
import { SessionNotesService } from './session-notes.service';

@Module({
  imports: [TypeOrmModule.forFeature([SessionNote, SessionNoteAddendum]), RelapsePreventionModule],
  controllers: [ClientSessionNotesController, SessionNotesController],
  providers: [
    SessionNotesService,
    SessionNoteSigningService,
    SessionNoteSupport,
    SessionNoteRepository,
    ClientTimelineService,
  ],
  exports: [SessionNotesService],
})
export class SessionNotesModule {}
