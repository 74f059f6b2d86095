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
import { ApiClientsService } from './api-clients.service';
import {
  ApiClientListResponse,
  ApiClientResponse,
  CreateApiClientDto,
  CreatedApiClientResponse,
  UpdateApiClientDto,
} from './dto/api-client.dto';

@ApiTags('api-clients')
@Controller('api/v1/api-clients')
export class ApiClientsController {
  constructor(private readonly apiClients: ApiClientsService) {}

  @Post()
  @HttpCode(201)
  // The secret is shown once: a replay answers the first response without it.
  @Idempotent({ omit: ['clientSecret'] })
  @RequirePermission(Permission.ApiClientManage)
  @ApiOperation({
    summary: 'Register an EHR or treatment system (admin); the secret is shown once',
  })
  @ApiCreatedResponse({ type: CreatedApiClientResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateApiClientDto,
  ): Promise<CreatedApiClientResponse> {
    return this.apiClients.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.ApiClientManage)
  @ApiOperation({ summary: 'List API clients (admin)' })
  @ApiOkResponse({ type: ApiClientListResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: PageQuery,
  ): Promise<ApiClientListResponse> {
    return this.apiClients.list(actor, query);
  }

  @Patch(':id')
  @RequirePermission(Permission.ApiClientManage)
  @ApiOperation({ summary: 'Change scopes or deactivate an API client (admin, If-Match)' })
  @ApiOkResponse({ type: ApiClientResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateApiClientDto,
  ): Promise<ApiClientResponse> {
    return this.apiClients.update(actor, id, version, dto);
  }
}
