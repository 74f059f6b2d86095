import { Module } from '@nestjs/common';

import { OrganizationSettingsController } from './organization-settings.controller';
import { OrganizationSettingsService } from './organization-settings.service';
import { OrganizationRepository } from './organization.repository';

@Module({
  controllers: [OrganizationSettingsController],
  providers: [OrganizationRepository, OrganizationSettingsService],
})
export class OrganizationsModule {}
