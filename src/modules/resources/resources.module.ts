import { Module } from '@nestjs/common';

import { ResourcesController } from './resources.controller';
import { ResourcesCsvService } from './resources-csv.service';
import { ResourcesService } from './resources.service';

@Module({
  controllers: [ResourcesController],
  providers: [ResourcesService, ResourcesCsvService],
  exports: [ResourcesService],
})
export class ResourcesModule {}
