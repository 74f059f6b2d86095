import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FollowUpAssessmentsService } from './follow-up-assessments.service';
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { FollowUpQueriesService } from './follow-up-queries.service';
import { FollowUpSchedulingService } from './follow-up-scheduling.service';
import { FollowUp } from './follow-up.entity';
import { FollowUpRepository } from './follow-up.repository';
import { FollowUpsController } from './follow-ups.controller';
import { FollowUpsService } from './follow-ups.service';

@Module({
  imports: [TypeOrmModule.forFeature([FollowUp, FollowUpAttempt])],
  controllers: [FollowUpsController],
  providers: [
    FollowUpsService,
    FollowUpQueriesService,
    FollowUpSchedulingService,
    FollowUpAssessmentsService,
    FollowUpRepository,
  ],
  exports: [FollowUpsService, FollowUpSchedulingService, FollowUpAssessmentsService],
})
export class FollowUpsModule {}
