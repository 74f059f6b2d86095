import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { CadencesService } from './cadences.service';
import { CadenceResponse, LevelOfCareParam, UpdateCadenceDto } from './dto/cadence.dto';

@ApiTags('settings')
@Controller('api/v1/settings/follow-up-cadences')
export class CadencesController {
  constructor(private readonly cadences: CadencesService) {}

  @Get(':levelOfCare')
  @RequirePermission(Permission.FollowUpCadenceManage)
  @ApiOperation({ summary: 'The organization’s follow-up cadence for a level of care (admin)' })
  @ApiOkResponse({ type: CadenceResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { levelOfCare }: LevelOfCareParam,
  ): Promise<CadenceResponse> {
    return this.cadences.get(actor, levelOfCare);
  }

  @Put(':levelOfCare')
  @RequirePermission(Permission.FollowUpCadenceManage)
  @ApiOperation({
    summary:
      'Replace the cadence for a level of care; applies to discharges recorded afterwards (admin)',
  })
  @ApiOkResponse({ type: CadenceResponse })
  put(
    @CurrentUser() actor: UserPrincipal,
    @Param() { levelOfCare }: LevelOfCareParam,
    @Body() dto: UpdateCadenceDto,
  ): Promise<CadenceResponse> {
    return this.cadences.put(actor, levelOfCare, dto);
  }
}
