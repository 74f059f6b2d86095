import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { GroupSessionAccess } from './group-session-access';
import { GroupSessionDraftsService } from './group-session-drafts.service';
import { GroupSession, GroupSessionAttendee } from './group-session.entity';
import { GroupSessionRepository } from './group-session.repository';
import { GroupSessionsController } from './group-sessions.controller';
import { GroupSessionsService } from './group-sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([GroupSession, GroupSessionAttendee])],
  controllers: [GroupSessionsController],
  providers: [
    GroupSessionsService,
    GroupSessionDraftsService,
    GroupSessionAccess,
    GroupSessionRepository,
  ],
})
export class GroupSessionsModule {}
