import { Module } from '@nestjs/common';

import { ResourceRepository } from './resource.repository';
import { ResourcesController } from './resources.controller';
import { ResourcesCsvService } from './resources-csv.service';
import { ResourcesService } from './resources.service';

@Module({
  controllers: [ResourcesController],
  providers: [ResourcesService, ResourcesCsvService, ResourceRepository],
  exports: [ResourcesService],
})
export class ResourcesModule {}
