import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { DischargesService } from './discharges.service';
import {
  CreateDischargeDto,
  CreateReadmissionDto,
  DischargeResponse,
  ReadmissionResponse,
} from './dto/discharge.dto';

@ApiTags('discharges')
@Controller('api/v1/clients/:id')
export class DischargesController {
  constructor(private readonly discharges: DischargesService) {}

  @Post('discharges')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.DischargeWrite)
  @ApiOperation({
    summary:
      'Record a discharge and create its follow-up tasks (a duplicate answers 200 with the first)',
  })
  @ApiCreatedResponse({ type: DischargeResponse })
  @ApiOkResponse({
    type: DischargeResponse,
    description: 'The same discharge was already recorded',
  })
  async create(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateDischargeDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DischargeResponse> {
    const { created, body } = await this.discharges.record(actor, id, dto);
    reply.status(created ? 201 : 200);
    return body;
  }

  @Post('readmissions')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.DischargeWrite)
  @ApiOperation({ summary: 'Record a readmission: the client’s remaining follow-ups go on hold' })
  @ApiCreatedResponse({ type: ReadmissionResponse })
  async readmit(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateReadmissionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReadmissionResponse> {
    const { created, body } = await this.discharges.readmit(actor, id, dto);
    reply.status(created ? 201 : 200);
    return body;
  }
}
