import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CreateReferralOutDto,
  ReferralOutPageResponse,
  ReferralOutResponse,
  TransitionReferralOutDto,
} from './dto/referral-out.dto';
import { ReferralsOutService } from './referrals-out.service';

@ApiTags('referrals-out')
@Controller('api/v1')
export class ReferralsOutController {
  constructor(private readonly referrals: ReferralsOutService) {}

  @Post('clients/:id/referrals-out')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ReferralOutWrite)
  @ApiOperation({
    summary:
      'Refer the client to a resource of the directory; a connection-check task follows (due after the organization’s referralFollowUpDays)',
  })
  @ApiCreatedResponse({ type: ReferralOutResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateReferralOutDto,
  ): Promise<ReferralOutResponse> {
    return this.referrals.create(actor, id, dto);
  }

  @Get('clients/:id/referrals-out')
  @RequirePermission(Permission.ReferralOutRead)
  @ApiOperation({ summary: 'The client’s referrals out, newest first' })
  @ApiOkResponse({ type: ReferralOutPageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<ReferralOutPageResponse> {
    return this.referrals.list(actor, id, query);
  }

  @Get('referrals-out/:id')
  @RequirePermission(Permission.ReferralOutRead)
  @ApiOperation({ summary: 'Read a referral out with its status history' })
  @ApiOkResponse({ type: ReferralOutResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<ReferralOutResponse> {
    return this.referrals.get(actor, id);
  }

  @Patch('referrals-out/:id')
  @RequirePermission(Permission.ReferralOutWrite)
  @ApiOperation({
    summary:
      'Change the status (If-Match): sent -> accepted | declined; accepted -> completed | not-completed',
  })
  @ApiOkResponse({ type: ReferralOutResponse })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION', type: ProblemResponse })
  transition(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: TransitionReferralOutDto,
  ): Promise<ReferralOutResponse> {
    return this.referrals.transition(actor, id, version, dto);
  }
}
