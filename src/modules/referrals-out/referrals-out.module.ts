import { Module } from '@nestjs/common';

import { ReferralsOutController } from './referrals-out.controller';
import { ReferralsOutService } from './referrals-out.service';

@Module({
  controllers: [ReferralsOutController],
  providers: [ReferralsOutService],
})
export class ReferralsOutModule {}
