import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { UuidParam } from '../../common/dto/uuid.param';
import { DisclosureService } from './disclosures.service';
import { DisclosurePageResponse } from './dto/disclosure.dto';

@ApiTags('disclosures')
@Controller('api/v1/clients/:id/disclosures')
export class DisclosuresController {
  constructor(private readonly disclosures: DisclosureService) {}

  @Get()
  @RequirePermission(Permission.DisclosureRead)
  @ApiOperation({
    summary: 'The client’s Part 2 disclosures to API clients, newest first (kept three years)',
  })
  @ApiOkResponse({ type: DisclosurePageResponse })
  list(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Query() query: PageQuery,
  ): Promise<DisclosurePageResponse> {
    return this.disclosures.list(actor, id, query);
  }
}
