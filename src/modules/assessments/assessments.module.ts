import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { Assessment } from './assessment.entity';
import { AssessmentRepository } from './assessment.repository';
import { AssessmentsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';

@Module({
  imports: [TypeOrmModule.forFeature([Assessment]), FollowUpsModule],
  controllers: [AssessmentsController],
  providers: [AssessmentRepository, AssessmentsService],
  exports: [AssessmentsService],
})
export class AssessmentsModule {}
