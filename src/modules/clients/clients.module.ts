import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { SpecialistsModule } from '../specialists/specialists.module';
import { CaseloadRelease } from './caseload-release';
import { ClientAssignmentsController } from './client-assignments.controller';
import { ClientAssignmentsService } from './client-assignments.service';
import { Client } from './client.entity';
import { ClientRepository } from './client.repository';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';
import { DuplicateProbeService } from './duplicate-probe.service';
import { InboundClientService } from './inbound-client.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client]), SpecialistsModule, FollowUpsModule],
  controllers: [ClientsController, ClientAssignmentsController],
  providers: [
    ClientRepository,
    CaseloadRelease,
    ClientsService,
    ClientAssignmentsService,
    DuplicateProbeService,
    InboundClientService,
  ],
  exports: [ClientsService, InboundClientService, CaseloadRelease],
})
export class ClientsModule {}
