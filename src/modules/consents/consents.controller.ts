import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { OptionalIfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { ConsentsService } from './consents.service';
import {
  ConsentPageResponse,
  ConsentParam,
  ConsentResponse,
  CreateConsentDto,
  RevokeConsentDto,
} from './dto/consent.dto';

@ApiTags('consents')
@Controller('api/v1/clients/:id/consents')
export class ConsentsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ConsentWrite)
  @ApiOperation({
    summary: 'Record a Part 2 consent: recipient, purposes, categories, period, signature',
  })
  @ApiCreatedResponse({ type: ConsentResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateConsentDto,
  ): Promise<ConsentResponse> {
    return this.consents.create(actor, id, dto);
  }

  @Get()
  @RequirePermission(Permission.ConsentRead)
  @ApiOperation({ summary: 'The client’s consents, newest first, with their status now' })
  @ApiOkResponse({ type: ConsentPageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<ConsentPageResponse> {
    return this.consents.list(actor, id, query);
  }

  @Post(':consentId/revoke')
  @HttpCode(200)
  @RequirePermission(Permission.ConsentWrite)
  @ApiOperation({
    summary:
      'Alias of POST /api/v1/consents/{id}/revoke, kept for existing integrations (the consent must be the client’s)',
  })
  @ApiOkResponse({ type: ConsentResponse })
  @ApiConflictResponse({
    description: 'INVALID_TRANSITION: already revoked or expired',
    type: ProblemResponse,
  })
  @ApiPreconditionFailedResponse({ type: ProblemResponse })
  revoke(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id, consentId }: ConsentParam,
    @OptionalIfMatch() expectedVersion: number | undefined,
    @Body() dto: RevokeConsentDto,
  ): Promise<ConsentResponse> {
    return this.consents.revoke(
      actor,
      { consentId, clientId: id },
      { reason: dto.reason, expectedVersion },
    );
  }
}
