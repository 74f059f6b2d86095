import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiClient } from './api-client.entity';
import { ApiClientRepository } from './api-client.repository';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsService } from './api-clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiClient])],
  controllers: [ApiClientsController],
  providers: [ApiClientRepository, ApiClientsService],
  exports: [ApiClientsService],
})
export class ApiClientsModule {}
