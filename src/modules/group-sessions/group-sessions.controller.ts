import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CreateGroupSessionDto,
  GroupSessionQuery,
  ParticipationQuery,
  UpdateGroupSessionDto,
} from './dto/group-session.dto';
import {
  GroupParticipationPageResponse,
  GroupSessionPageResponse,
  GroupSessionResponse,
} from './dto/group-session.response';
import { GroupSessionDraftsService } from './group-session-drafts.service';
import { GroupSessionsService } from './group-sessions.service';

@ApiTags('group-sessions')
@Controller('api/v1')
export class GroupSessionsController {
  constructor(
    private readonly groups: GroupSessionsService,
    private readonly drafts: GroupSessionDraftsService,
  ) {}

  @Post('group-sessions')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.GroupSessionWrite)
  @ApiOperation({ summary: 'Record a peer support group with each attendee’s participation' })
  @ApiCreatedResponse({ type: GroupSessionResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateGroupSessionDto,
  ): Promise<GroupSessionResponse> {
    return this.groups.create(actor, dto);
  }

  @Get('group-sessions')
  @RequirePermission(Permission.GroupSessionRead)
  @ApiOperation({
    summary:
      'Groups the caller facilitated or a client in their scope attended, newest first; only the attendees in scope',
  })
  @ApiOkResponse({ type: GroupSessionPageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: GroupSessionQuery,
  ): Promise<GroupSessionPageResponse> {
    return this.groups.list(actor, query);
  }

  @Patch('group-sessions/:id')
  @RequirePermission(Permission.GroupSessionWrite)
  @ApiOperation({
    summary:
      'Correct a draft group (facilitator or recorder, If-Match); a signed group answers 409',
  })
  @ApiOkResponse({ type: GroupSessionResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateGroupSessionDto,
  ): Promise<GroupSessionResponse> {
    return this.drafts.update(actor, id, version, dto);
  }

  @Post('group-sessions/:id/sign')
  @HttpCode(200)
  @RequirePermission(Permission.GroupSessionWrite)
  @ApiOperation({ summary: 'Sign and lock a draft group (facilitator or recorder)' })
  @ApiOkResponse({ type: GroupSessionResponse })
  sign(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<GroupSessionResponse> {
    return this.drafts.sign(actor, id);
  }

  @Get('group-sessions/:id')
  @RequirePermission(Permission.GroupSessionRead)
  @ApiOperation({ summary: 'Read a group session: only the attendees in the caller’s scope' })
  @ApiOkResponse({ type: GroupSessionResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<GroupSessionResponse> {
    return this.groups.get(actor, id);
  }

  @Get('clients/:id/group-participation')
  @RequirePermission(Permission.GroupSessionRead)
  @ApiOperation({ summary: 'A client’s own group entries, never the other attendees' })
  @ApiOkResponse({ type: GroupParticipationPageResponse })
  participation(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: ParticipationQuery,
  ): Promise<GroupParticipationPageResponse> {
    return this.groups.participation(actor, id, query);
  }
}
