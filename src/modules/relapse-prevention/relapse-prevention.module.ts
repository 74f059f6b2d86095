import { Module } from '@nestjs/common';

import { RelapsePreventionController } from './relapse-prevention.controller';
import { RelapsePreventionService } from './relapse-prevention.service';

@Module({
  controllers: [RelapsePreventionController],
  providers: [RelapsePreventionService],
  exports: [RelapsePreventionService],
})
export class RelapsePreventionModule {}
