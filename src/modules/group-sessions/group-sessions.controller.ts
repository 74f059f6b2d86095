import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateGroupSessionDto, ParticipationQuery } from './dto/group-session.dto';
import { GroupParticipationPageResponse, GroupSessionResponse } from './dto/group-session.response';
import { GroupSessionsService } from './group-sessions.service';

@ApiTags('group-sessions')
@Controller('api/v1')
export class GroupSessionsController {
  constructor(private readonly groups: GroupSessionsService) {}

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
