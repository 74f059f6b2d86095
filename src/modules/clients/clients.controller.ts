import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ClientsService } from './clients.service';
import { ClientPageResponse, ClientResponse } from './dto/client.response';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQuery } from './dto/list-clients.query';
import { UpdateClientDto } from './dto/update-client.dto';

const DUPLICATE =
  'DUPLICATE_CLIENT: the same identifier, or name and date of birth, as an existing client. ' +
  'existingClientId is given only when the caller may read that client; otherwise a supervisor can assign it.';
const PROBE_LIMIT =
  'RATE_LIMITED (Retry-After): the caller hit too many duplicate matches outside their scope in the window (CLIENT_DUPLICATE_PROBE_LIMIT per CLIENT_DUPLICATE_PROBE_WINDOW_SECONDS)';

@ApiTags('clients')
@Controller('api/v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ClientCreate)
  @ApiOperation({ summary: 'Create a client (a peer’s joins their caseload)' })
  @ApiCreatedResponse({ type: ClientResponse })
  @ApiConflictResponse({
    description: DUPLICATE,
    type: ProblemResponse,
  })
  @ApiTooManyRequestsResponse({ description: PROBE_LIMIT, type: ProblemResponse })
  @ApiUnprocessableEntityResponse({
    description: 'CASELOAD_CAP_EXCEEDED or SPECIALIST_NOT_ASSIGNABLE',
    type: ProblemResponse,
  })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateClientDto,
  ): Promise<ClientResponse> {
    return this.clients.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.ClientRead)
  @ApiOperation({ summary: 'Search the clients in your scope (newest first)' })
  @ApiOkResponse({ type: ClientPageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ListClientsQuery,
  ): Promise<ClientPageResponse> {
    return this.clients.list(actor, query);
  }

  @Get(':id')
  @RequirePermission(Permission.ClientRead)
  @ApiOperation({ summary: 'Read a client' })
  @ApiOkResponse({ type: ClientResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<ClientResponse> {
    return this.clients.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.ClientUpdate)
  @ApiOperation({ summary: 'Update a client (If-Match)' })
  @ApiOkResponse({ type: ClientResponse })
  @ApiConflictResponse({ description: DUPLICATE, type: ProblemResponse })
  @ApiTooManyRequestsResponse({ description: PROBE_LIMIT, type: ProblemResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateClientDto,
  ): Promise<ClientResponse> {
    return this.clients.update(actor, id, version, dto);
  }
}
