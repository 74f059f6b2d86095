import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { Principal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreatePlanDto, ListPlansQuery, UpdatePlanDto } from './dto/plan.dto';
import { PlanPageResponse, PlanResponse } from './dto/plan.response';
import { PlansService } from './plans.service';

@ApiTags('recovery-plans')
@Controller('api/v1')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post('clients/:id/recovery-plans')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.PlanWrite)
  @ApiOperation({ summary: "Create a client's recovery plan (draft unless status is given)" })
  @ApiCreatedResponse({ type: PlanResponse })
  create(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Body() dto: CreatePlanDto,
  ): Promise<PlanResponse> {
    return this.plans.create(user, id, dto);
  }

  @Get('clients/:id/recovery-plans')
  @RequirePermission(Permission.PlanRead)
  @ApiOperation({ summary: "List a client's recovery plans, newest first" })
  @ApiOkResponse({ type: PlanPageResponse })
  list(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Query() query: ListPlansQuery,
  ): Promise<PlanPageResponse> {
    return this.plans.list(user, id, query);
  }

  @Get('recovery-plans/:id')
  @RequirePermission(Permission.PlanRead)
  @ApiOperation({ summary: 'Read a recovery plan' })
  @ApiOkResponse({ type: PlanResponse })
  get(@CurrentUser() user: Principal, @Param() { id }: UuidParam): Promise<PlanResponse> {
    return this.plans.get(user, id);
  }

  @Patch('recovery-plans/:id')
  @RequirePermission(Permission.PlanWrite)
  @ApiOperation({ summary: 'Update a recovery plan or change its status (If-Match)' })
  @ApiOkResponse({ type: PlanResponse })
  update(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdatePlanDto,
  ): Promise<PlanResponse> {
    return this.plans.update(user, id, version, dto);
  }
}
