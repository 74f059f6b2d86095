import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { FollowUpRatesQuery, FollowUpRatesResponse } from './dto/follow-up-rates.dto';
import { FollowUpRatesService } from './follow-up-rates.service';

@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly rates: FollowUpRatesService) {}

  @Get('follow-up-rates')
  @RequirePermission(Permission.FollowUpRateRead)
  @ApiOperation({
    summary: '7- and 30-day follow-up rates per level of care (operational, not certified HEDIS)',
  })
  @ApiOkResponse({ type: FollowUpRatesResponse })
  followUpRates(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: FollowUpRatesQuery,
  ): Promise<FollowUpRatesResponse> {
    return this.rates.rates(actor, query);
  }
}
