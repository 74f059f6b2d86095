import { Module } from '@nestjs/common';

import { RelapsePreventionController } from './relapse-prevention.controller';
import { RelapsePreventionRepository } from './relapse-prevention.repository';
import { RelapsePreventionService } from './relapse-prevention.service';

@Module({
  controllers: [RelapsePreventionController],
  providers: [RelapsePreventionService, RelapsePreventionRepository],
  exports: [RelapsePreventionService],
})
export class RelapsePreventionModule {}
