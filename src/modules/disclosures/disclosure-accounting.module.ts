import { Module } from '@nestjs/common';

import { DisclosureService } from './disclosures.service';

/**
 * Part 2 disclosure accounting, providers only: what every disclosing feature records with (the
 * FHIR facade in the API, webhook delivery in the worker), without the HTTP controller.
 */
@Module({
  providers: [DisclosureService],
  exports: [DisclosureService],
})
export class DisclosureAccountingModule {}
