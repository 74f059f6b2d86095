import { Module } from '@nestjs/common';

import { DisclosureAccountingModule } from '../disclosures/disclosure-accounting.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { FhirSearchService } from './fhir-search.service';
import { FhirController } from './fhir.controller';
import { FhirRepository } from './fhir.repository';

/** The FHIR R4 facade: one mapper per resource (./mappers), no business rules of its own;
 * `$process-message` hands a valid message to the integrations module. */
@Module({
  imports: [DisclosureAccountingModule, IntegrationsModule],
  controllers: [FhirController],
  providers: [FhirSearchService, FhirRepository],
})
export class FhirModule {}
