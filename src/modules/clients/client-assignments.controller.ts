import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ClientAssignmentsService } from './client-assignments.service';
import {
  AssignmentPageResponse,
  AssignmentResponse,
  CoverageParam,
  CoveragePageResponse,
  CoverageResponse,
  CreateAssignmentDto,
  CreateCoverageDto,
} from './dto/assignment.dto';

@ApiTags('clients')
@Controller('api/v1/clients/:id')
export class ClientAssignmentsController {
  constructor(private readonly assignments: ClientAssignmentsService) {}

  @Post('assignments')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ClientAssign)
  @ApiOperation({ summary: 'Assign the primary specialist (supervisor); history is kept' })
  @ApiCreatedResponse({ type: AssignmentResponse })
  @ApiUnprocessableEntityResponse({
    description: 'CASELOAD_CAP_EXCEEDED or SPECIALIST_NOT_ASSIGNABLE',
    type: ProblemResponse,
  })
  assign(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateAssignmentDto,
  ): Promise<AssignmentResponse> {
    return this.assignments.assign(actor, id, dto);
  }

  @Get('assignments')
  @RequirePermission(Permission.ClientRead)
  @ApiOperation({ summary: 'Primary-assignment history, newest first' })
  @ApiOkResponse({ type: AssignmentPageResponse })
  history(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<AssignmentPageResponse> {
    return this.assignments.history(actor, id, query);
  }

  @Post('coverage')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ClientAssign)
  @ApiOperation({ summary: 'Time-boxed coverage by another specialist (supervisor)' })
  @ApiCreatedResponse({ type: CoverageResponse })
  cover(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateCoverageDto,
  ): Promise<CoverageResponse> {
    return this.assignments.cover(actor, id, dto);
  }

  @Get('coverage')
  @RequirePermission(Permission.ClientRead)
  @ApiOperation({ summary: 'Coverage of the client, current, future, ended and revoked' })
  @ApiOkResponse({ type: CoveragePageResponse })
  coverage(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<CoveragePageResponse> {
    return this.assignments.coverage(actor, id, query);
  }

  @Post('coverage/:coverageId/end')
  @HttpCode(200)
  @RequirePermission(Permission.ClientAssign)
  @ApiOperation({
    summary: 'End a coverage early (supervisor); the covering specialist loses access',
  })
  @ApiOkResponse({ type: CoverageResponse })
  @ApiConflictResponse({ description: 'INVALID_TRANSITION: already ended', type: ProblemResponse })
  endCoverage(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id, coverageId }: CoverageParam,
  ): Promise<CoverageResponse> {
    return this.assignments.endCoverage(actor, id, coverageId);
  }
}
