import { Module } from '@nestjs/common';

import { ClientsModule } from '../clients/clients.module';
import { DischargesModule } from '../discharges/discharges.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { Hl7Controller } from './hl7/hl7.controller';
import { Hl7Service } from './hl7/hl7.service';
import { InboundController } from './inbound.controller';
import { InboundService } from './inbound.service';

/** Inbound discharges and referrals from API clients: JSON and the HL7 v2 ADT feed (SPEC 8 and 12). */
@Module({
  imports: [ClientsModule, DischargesModule, NotificationsCoreModule],
  controllers: [InboundController, Hl7Controller],
  providers: [InboundService, Hl7Service],
  exports: [InboundService],
})
export class IntegrationsModule {}
