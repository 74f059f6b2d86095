import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateGoalDto, UpdateGoalDto } from './dto/goal.dto';
import { GoalPageResponse, GoalResponse } from './dto/goal.response';
import { GoalsService } from './goals.service';

@ApiTags('goals')
@Controller('api/v1')
export class GoalsController {
  constructor(private readonly goals: GoalsService) {}

  @Post('recovery-plans/:id/goals')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.GoalWrite)
  @ApiOperation({ summary: 'Add a goal to a recovery plan' })
  @ApiCreatedResponse({ type: GoalResponse })
  create(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateGoalDto,
  ): Promise<GoalResponse> {
    return this.goals.create(user, id, dto);
  }

  @Get('recovery-plans/:id/goals')
  @RequirePermission(Permission.GoalRead)
  @ApiOperation({ summary: "List a plan's goals, newest first" })
  @ApiOkResponse({ type: GoalPageResponse })
  list(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<GoalPageResponse> {
    return this.goals.list(user, id, query);
  }

  @Get('goals/:id')
  @RequirePermission(Permission.GoalRead)
  @ApiOperation({ summary: 'Read a goal' })
  @ApiOkResponse({ type: GoalResponse })
  get(@CurrentUser() user: Principal, @Param() { id }: UuidParam): Promise<GoalResponse> {
    return this.goals.get(user, id);
  }

  @Patch('goals/:id')
  @RequirePermission(Permission.GoalWrite)
  @ApiOperation({
    summary: 'Update a goal or move its lifecycle (If-Match); its plan and client never change',
  })
  @ApiOkResponse({ type: GoalResponse })
  update(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateGoalDto,
  ): Promise<GoalResponse> {
    return this.goals.update(user, id, version, dto);
  }
}
