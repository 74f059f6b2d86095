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
  CreateResourceDto,
  ListResourcesQuery,
  ResourcePageResponse,
  ResourceResponse,
  UpdateResourceDto,
} from './dto/resource.dto';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ResourceManage)
  @ApiOperation({ summary: 'Add a community resource to the organization’s directory' })
  @ApiCreatedResponse({ type: ResourceResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateResourceDto,
  ): Promise<ResourceResponse> {
    return this.resources.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.ResourceRead)
  @ApiOperation({
    summary:
      'Search the directory: text, category, open now, distance from a point (nearest first; otherwise by name)',
  })
  @ApiOkResponse({ type: ResourcePageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ListResourcesQuery,
  ): Promise<ResourcePageResponse> {
    return this.resources.list(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.ResourceRead)
  @ApiOperation({ summary: 'Read a community resource' })
  @ApiOkResponse({ type: ResourceResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<ResourceResponse> {
    return this.resources.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.ResourceManage)
  @ApiOperation({
    summary: 'Update a community resource, or deactivate it (`active: false`) (If-Match)',
  })
  @ApiOkResponse({ type: ResourceResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateResourceDto,
  ): Promise<ResourceResponse> {
    return this.resources.update(actor, id, version, dto);
  }
}
