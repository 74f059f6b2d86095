import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ApiJsonOrCsvResponse, WantsCsv } from '../../common/csv/csv.openapi';
import { UuidParam } from '../../common/dto/uuid.param';
import {
  CancelFollowUpDto,
  CompleteFollowUpDto,
  FollowUpPageResponse,
  FollowUpQuery,
  FollowUpResponse,
  RecordAttemptDto,
} from './dto/follow-up.dto';
import { FollowUpQueriesService } from './follow-up-queries.service';
import { FOLLOW_UP_CSV_COLUMNS } from './follow-up.csv';
import { FollowUpsService } from './follow-ups.service';

@ApiTags('follow-ups')
@Controller('api/v1/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly followUps: FollowUpsService,
    private readonly queries: FollowUpQueriesService,
  ) {}

  @Get()
  @RequirePermission(Permission.FollowUpRead)
  @ApiOperation({ summary: 'Follow-up tasks in the caller’s scope, soonest due first' })
  @ApiJsonOrCsvResponse(FollowUpPageResponse, FOLLOW_UP_CSV_COLUMNS, 'A page of follow-ups')
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: FollowUpQuery,
    @WantsCsv() csv: boolean,
  ): Promise<FollowUpPageResponse | StreamableFile> {
    return csv ? this.queries.export(actor, query) : this.queries.list(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.FollowUpRead)
  @ApiOperation({ summary: 'Read a follow-up task with its contact attempts' })
  @ApiOkResponse({ type: FollowUpResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<FollowUpResponse> {
    return this.queries.get(actor, id);
  }

  @Post(':id/start')
  @HttpCode(200)
  @RequirePermission(Permission.FollowUpWrite)
  @ApiOperation({ summary: 'Start working a follow-up (in-progress)' })
  @ApiOkResponse({ type: FollowUpResponse })
  start(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<FollowUpResponse> {
    return this.followUps.start(actor, id);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @RequirePermission(Permission.FollowUpWrite)
  @ApiOperation({
    summary: 'Complete a follow-up, optionally linked to the session note of the contact',
  })
  @ApiOkResponse({ type: FollowUpResponse })
  complete(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CompleteFollowUpDto,
  ): Promise<FollowUpResponse> {
    return this.followUps.complete(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission(Permission.FollowUpWrite)
  @ApiOperation({ summary: 'Cancel a follow-up' })
  @ApiOkResponse({ type: FollowUpResponse })
  cancel(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CancelFollowUpDto,
  ): Promise<FollowUpResponse> {
    return this.followUps.cancel(actor, id, dto);
  }

  @Post(':id/attempts')
  @HttpCode(200)
  @RequirePermission(Permission.FollowUpWrite)
  @ApiOperation({
    summary: 'Record a contact attempt; repeated "unable to reach" escalates to the supervisors',
  })
  @ApiOkResponse({ type: FollowUpResponse })
  attempt(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: RecordAttemptDto,
  ): Promise<FollowUpResponse> {
    return this.followUps.recordAttempt(actor, id, dto);
  }
}
