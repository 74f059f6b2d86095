import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { Principal, UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateTeamDto, TeamListResponse, TeamResponse, UpdateTeamDto } from './dto/team.dto';
import { TeamsService } from './teams.service';

@ApiTags('teams')
@Controller('api/v1/teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @RequirePermission(Permission.TeamRead)
  @ApiOperation({ summary: 'List the organization’s teams, by name' })
  @ApiOkResponse({ type: TeamListResponse })
  list(@CurrentUser() actor: Principal, @Query() query: PageQuery): Promise<TeamListResponse> {
    return this.teams.list(actor, query);
  }

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.TeamManage)
  @ApiOperation({ summary: 'Create a team (admin)' })
  @ApiCreatedResponse({ type: TeamResponse })
  create(@CurrentUser() actor: UserPrincipal, @Body() dto: CreateTeamDto): Promise<TeamResponse> {
    return this.teams.create(actor, dto);
  }

  @Patch(':id')
  @RequirePermission(Permission.TeamManage)
  @ApiOperation({
    summary: 'Rename a team, set its supervisors and members, or deactivate it (admin, If-Match)',
  })
  @ApiOkResponse({ type: TeamResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateTeamDto,
  ): Promise<TeamResponse> {
    return this.teams.update(actor, id, version, dto);
  }
}
