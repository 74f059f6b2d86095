import { Module } from '@nestjs/common';

import { FollowUpSchedulingService } from '../follow-ups/follow-up-scheduling.service';
import { FollowUpRepository } from '../follow-ups/follow-up.repository';
import { ReferralFollowUpJobsService } from './referral-follow-up-jobs.service';
import { ReferralOutRepository } from './referral-out.repository';
import { ReferralsOutProcessor } from './referrals-out.processor';

/** The worker side of referrals out: the connection-check task. */
@Module({
  providers: [
    ReferralFollowUpJobsService,
    ReferralsOutProcessor,
    FollowUpSchedulingService,
    FollowUpRepository,
    ReferralOutRepository,
  ],
})
export class ReferralsOutWorkerModule {}
