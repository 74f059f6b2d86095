import { Module } from '@nestjs/common';

import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { CadencesController } from './cadences.controller';
import { CadencesService } from './cadences.service';
import { DischargeRepository } from './discharge.repository';
import { DischargesController } from './discharges.controller';
import { DischargesService } from './discharges.service';

@Module({
  imports: [FollowUpsModule],
  controllers: [DischargesController, CadencesController],
  providers: [DischargesService, CadencesService, DischargeRepository],
  exports: [DischargesService],
})
export class DischargesModule {}
