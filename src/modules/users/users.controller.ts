import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserPageResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.UserManage)
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserResponse })
  create(@CurrentUser() actor: UserPrincipal, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.UserRead)
  @ApiOperation({ summary: 'List the organization’s users (admin)' })
  @ApiOkResponse({ type: UserPageResponse })
  list(@CurrentUser() actor: UserPrincipal, @Query() query: PageQuery): Promise<UserPageResponse> {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.UserRead)
  @ApiOperation({ summary: 'Read a user (admin)' })
  @ApiOkResponse({ type: UserResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<UserResponse> {
    return this.users.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.UserManage)
  @ApiOperation({ summary: 'Update or deactivate a user (admin, If-Match)' })
  @ApiOkResponse({ type: UserResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return this.users.update(actor, id, version, dto);
  }
}
