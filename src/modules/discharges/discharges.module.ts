import { Module } from '@nestjs/common';

import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { CadencesController } from './cadences.controller';
import { CadencesService } from './cadences.service';
import { DischargesController } from './discharges.controller';
import { DischargesService } from './discharges.service';

@Module({
  imports: [FollowUpsModule],
  controllers: [DischargesController, CadencesController],
  providers: [DischargesService, CadencesService],
  exports: [DischargesService],
})
export class DischargesModule {}
