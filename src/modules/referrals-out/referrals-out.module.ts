import { Module } from '@nestjs/common';

import { ReferralOutRepository } from './referral-out.repository';
import { ReferralsOutController } from './referrals-out.controller';
import { ReferralsOutService } from './referrals-out.service';

@Module({
  controllers: [ReferralsOutController],
  providers: [ReferralsOutService, ReferralOutRepository],
})
export class ReferralsOutModule {}
