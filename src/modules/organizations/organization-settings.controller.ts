import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { IfMatch } from '../../common/http/etag';
import {
  OrganizationSettingsResponse,
  UpdateOrganizationSettingsDto,
} from './dto/organization-settings.dto';
import { OrganizationSettingsService } from './organization-settings.service';

@ApiTags('settings')
@Controller('api/v1/settings/organization')
export class OrganizationSettingsController {
  constructor(private readonly settings: OrganizationSettingsService) {}

  @Get()
  @RequirePermission(Permission.OrganizationSettingsManage)
  @ApiOperation({ summary: 'The organization’s settings in force, defaults filled in (admin)' })
  @ApiOkResponse({ type: OrganizationSettingsResponse })
  get(@CurrentUser() actor: UserPrincipal): Promise<OrganizationSettingsResponse> {
    return this.settings.get(actor);
  }

  @Patch()
  @RequirePermission(Permission.OrganizationSettingsManage)
  @ApiOperation({ summary: 'Change some settings (admin, If-Match); the others keep their value' })
  @ApiOkResponse({ type: OrganizationSettingsResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @IfMatch() version: number,
    @Body() dto: UpdateOrganizationSettingsDto,
  ): Promise<OrganizationSettingsResponse> {
    return this.settings.update(actor, version, dto);
  }
}
