import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { ApiClientPrincipal } from '../../auth/principal';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  InboundDischargeDto,
  InboundDischargeResponse,
  InboundReferralDto,
  ReferralResponse,
} from './dto/inbound.dto';
import { InboundService } from './inbound.service';

@ApiTags('integrations')
@Controller('api/v1/integrations')
export class InboundController {
  constructor(private readonly inbound: InboundService) {}

  @Post('discharges')
  @HttpCode(201)
  @Idempotent({ inbound: true })
  @RequirePermission(Permission.IntegrationDischargeWrite)
  @ApiOperation({
    summary:
      'Receive a discharge: match or create the client by identifier, then start the discharge bridge',
  })
  @ApiCreatedResponse({ type: InboundDischargeResponse })
  @ApiOkResponse({
    type: InboundDischargeResponse,
    description: 'The same discharge was already recorded',
  })
  async discharge(
    @CurrentUser() sender: ApiClientPrincipal,
    @Body() dto: InboundDischargeDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<InboundDischargeResponse> {
    const { created, body } = await this.inbound.discharge(sender, dto.client, dto);
    reply.status(created ? 201 : 200);
    return body;
  }

  @Post('referrals')
  @HttpCode(201)
  @Idempotent({ inbound: true })
  @RequirePermission(Permission.IntegrationReferralWrite)
  @ApiOperation({
    summary: 'Receive a referral: a referred client for the supervisors to assign, no cadence',
  })
  @ApiCreatedResponse({ type: ReferralResponse })
  @ApiOkResponse({ type: ReferralResponse, description: 'The same referral was already recorded' })
  async referral(
    @CurrentUser() sender: ApiClientPrincipal,
    @Body() dto: InboundReferralDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralResponse> {
    const { created, body } = await this.inbound.referral(sender, dto);
    reply.status(created ? 201 : 200);
    return body;
  }
}
