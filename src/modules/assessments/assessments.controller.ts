import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { AssessmentsService } from './assessments.service';
import { CreateAssessmentDto } from './dto/assessment.dto';
import {
  AssessmentPageResponse,
  AssessmentResponse,
  AssessmentTrendResponse,
} from './dto/assessment.response';

@ApiTags('assessments')
@Controller('api/v1/clients/:id/assessments')
export class AssessmentsController {
  constructor(private readonly assessments: AssessmentsService) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.AssessmentWrite)
  @ApiOperation({
    summary: 'Record a BARC-10 (ten answers 1..6); answers the total and remission flag',
  })
  @ApiCreatedResponse({ type: AssessmentResponse })
  create(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateAssessmentDto,
  ): Promise<AssessmentResponse> {
    return this.assessments.create(user, id, dto);
  }

  @Get()
  @RequirePermission(Permission.AssessmentRead)
  @ApiOperation({ summary: "A client's assessments, most recently administered first" })
  @ApiOkResponse({ type: AssessmentPageResponse })
  list(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<AssessmentPageResponse> {
    return this.assessments.list(user, id, query);
  }

  @Get('trend')
  @RequirePermission(Permission.AssessmentRead)
  @ApiOperation({
    summary: "A client's BARC-10 totals, oldest first, with change from previous and from first",
  })
  @ApiOkResponse({ type: AssessmentTrendResponse })
  trend(
    @CurrentUser() user: Principal,
    @Param() { id }: UuidParam,
  ): Promise<AssessmentTrendResponse> {
    return this.assessments.trend(user, id);
  }
}
