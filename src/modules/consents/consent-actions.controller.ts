import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { OptionalIfMatch } from '../../common/http/etag';
import { ConsentsService } from './consents.service';
import { ConsentResponse, RevokeConsentDto } from './dto/consent.dto';

/** Actions on a consent by its own id (SPEC 12). */
@ApiTags('consents')
@Controller('api/v1/consents')
export class ConsentActionsController {
  constructor(private readonly consents: ConsentsService) {}

  @Post(':id/revoke')
  @HttpCode(200)
  @RequirePermission(Permission.ConsentWrite)
  @ApiOperation({
    summary: 'Revoke a consent now, with an optional reason (If-Match optional: 412 when stale)',
  })
  @ApiOkResponse({ type: ConsentResponse })
  @ApiConflictResponse({
    description: 'INVALID_TRANSITION: already revoked or expired',
    type: ProblemResponse,
  })
  @ApiPreconditionFailedResponse({ type: ProblemResponse })
  revoke(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @OptionalIfMatch() expectedVersion: number | undefined,
    @Body() dto: RevokeConsentDto,
  ): Promise<ConsentResponse> {
    return this.consents.revoke(actor, { consentId: id }, { reason: dto.reason, expectedVersion });
  }
}
