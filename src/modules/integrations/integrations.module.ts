import { Module } from '@nestjs/common';

import { ClientsModule } from '../clients/clients.module';
import { DischargesModule } from '../discharges/discharges.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { FhirMessageService } from './fhir/fhir-message.service';
import { Hl7Controller } from './hl7/hl7.controller';
import { Hl7Service } from './hl7/hl7.service';
import { InboundController } from './inbound.controller';
import { InboundService } from './inbound.service';
import { IntegrationRepository } from './integration.repository';

/** Inbound discharges and referrals from API clients: JSON, the HL7 v2 ADT feed and FHIR
 * messaging (whose route, /fhir/$process-message, is the FHIR facade's) (SPEC 8 and 12). */
@Module({
  imports: [ClientsModule, DischargesModule, NotificationsCoreModule],
  controllers: [InboundController, Hl7Controller],
  providers: [InboundService, Hl7Service, FhirMessageService, IntegrationRepository],
  exports: [InboundService, FhirMessageService],
})
export class IntegrationsModule {}
