import { Module } from '@nestjs/common';

import { DisclosuresModule } from '../disclosures/disclosures.module';
import { FhirSearchService } from './fhir-search.service';
import { FhirController } from './fhir.controller';

/** The FHIR R4 facade: one mapper per resource (./mappers), no business rules of its own. */
@Module({
  imports: [DisclosuresModule],
  controllers: [FhirController],
  providers: [FhirSearchService],
})
export class FhirModule {}
