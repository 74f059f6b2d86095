import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { OptionalIfMatch } from '../../common/http/etag';
import { PlanVersionParam, PutRelapsePreventionPlanDto } from './dto/relapse-prevention-plan.dto';
import {
  RelapsePlanVersionPageResponse,
  RelapsePlanVersionResponse,
  RelapsePreventionPlanResponse,
} from './dto/relapse-prevention-plan.response';
import { RelapsePreventionService } from './relapse-prevention.service';

@ApiTags('relapse-prevention-plans')
@Controller('api/v1/clients/:id/relapse-prevention-plan')
export class RelapsePreventionController {
  constructor(private readonly plans: RelapsePreventionService) {}

  @Get()
  @RequirePermission(Permission.RelapsePlanRead)
  @ApiOperation({ summary: 'A client’s current relapse-prevention plan' })
  @ApiOkResponse({ type: RelapsePreventionPlanResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<RelapsePreventionPlanResponse> {
    return this.plans.get(actor, id);
  }

  @Put()
  @RequirePermission(Permission.RelapsePlanWrite)
  @ApiOperation({
    summary:
      'Write a new version of the plan: without If-Match the first one (201), then with If-Match (200; stale 412, missing 428)',
  })
  @ApiOkResponse({ type: RelapsePreventionPlanResponse })
  @ApiCreatedResponse({ type: RelapsePreventionPlanResponse })
  async put(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @OptionalIfMatch() version: number | undefined,
    @Body() dto: PutRelapsePreventionPlanDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RelapsePreventionPlanResponse> {
    const { created, plan } = await this.plans.put(actor, id, version, dto);
    reply.status(created ? 201 : 200);
    return plan;
  }

  @Get('versions')
  @RequirePermission(Permission.RelapsePlanRead)
  @ApiOperation({ summary: 'Every version of the plan, newest first' })
  @ApiOkResponse({ type: RelapsePlanVersionPageResponse })
  versions(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<RelapsePlanVersionPageResponse> {
    return this.plans.listVersions(actor, id, query);
  }

  @Get('versions/:n')
  @RequirePermission(Permission.RelapsePlanRead)
  @ApiOperation({ summary: 'One version of the plan as it was written' })
  @ApiOkResponse({ type: RelapsePlanVersionResponse })
  version(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id, n }: PlanVersionParam,
  ): Promise<RelapsePlanVersionResponse> {
    return this.plans.getVersion(actor, id, n);
  }
}
