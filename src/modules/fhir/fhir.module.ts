import { Module } from '@nestjs/common';

import { DisclosureAccountingModule } from '../disclosures/disclosure-accounting.module';
import { FhirSearchService } from './fhir-search.service';
import { FhirController } from './fhir.controller';

/** The FHIR R4 facade: one mapper per resource (./mappers), no business rules of its own. */
@Module({
  imports: [DisclosureAccountingModule],
  controllers: [FhirController],
  providers: [FhirSearchService],
})
export class FhirModule {}
