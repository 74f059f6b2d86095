import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { Public } from '../../auth/decorators/public.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { ApiClientPrincipal, Principal } from '../../auth/principal';
import { FhirMessageService } from '../integrations/fhir/fhir-message.service';
import { capabilityStatement } from './capability-statement';
import { FHIR_JSON, PART2_NOTICE, PART2_NOTICE_HEADER } from './fhir-labels';
import { FhirOutcomeFilter } from './fhir-outcome.filter';
import { checkFormat, FhirQuery, FhirSearchService } from './fhir-search.service';
import { FHIR_RESOURCES } from './fhir.registry';

/** `https://host` of a request (what `fullUrl`, links and the token URL are built on). */
const baseUrlOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

/**
 * The FHIR R4 facade (SPEC 8): read and search of FHIR_RESOURCES, and `$process-message` for
 * inbound discharge notifications, for API clients. Described by
 * its CapabilityStatement (GET /fhir/metadata), not by the OpenAPI document; errors are
 * OperationOutcome.
 */
@ApiExcludeController()
@UseFilters(FhirOutcomeFilter)
@Controller('fhir')
export class FhirController {
  constructor(
    private readonly fhir: FhirSearchService,
    private readonly messages: FhirMessageService,
  ) {}

  @Get('metadata')
  @Public()
  @Header('Content-Type', FHIR_JSON)
  metadata(@Req() request: FastifyRequest, @Query() query: FhirQuery): CapabilityStatement {
    checkFormat(query);
    return capabilityStatement(baseUrlOf(request), FHIR_RESOURCES);
  }

  /**
   * FHIR messaging: a Da Vinci discharge notification (Bundle of type message) starts the
   * discharge bridge; answered synchronously with a response message (always 200, the same
   * answer when the same message comes again).
   */
  @Post('$process-message')
  @HttpCode(200)
  @RequirePermission(Permission.IntegrationDischargeWrite)
  @Header('Content-Type', FHIR_JSON)
  processMessage(
    @CurrentUser() sender: ApiClientPrincipal,
    @Req() request: FastifyRequest,
    @Body() body: unknown,
  ): Promise<Bundle> {
    return this.messages.process(sender, body, baseUrlOf(request));
  }

  @Get(':type')
  @RequirePermission(Permission.FhirRead)
  @Header('Content-Type', FHIR_JSON)
  @Header(PART2_NOTICE_HEADER, PART2_NOTICE)
  search(
    @CurrentUser() principal: Principal,
    @Req() request: FastifyRequest,
    @Param('type') type: string,
    @Query() query: FhirQuery,
  ): Promise<Bundle> {
    return this.fhir.search(principal, type, query, { baseUrl: baseUrlOf(request) });
  }

  @Get(':type/:id')
  @RequirePermission(Permission.FhirRead)
  @Header('Content-Type', FHIR_JSON)
  @Header(PART2_NOTICE_HEADER, PART2_NOTICE)
  read(
    @CurrentUser() principal: Principal,
    @Req() request: FastifyRequest,
    @Param('type') type: string,
    @Param('id') id: string,
    @Query() query: FhirQuery,
  ): Promise<Resource> {
    return this.fhir.read(principal, type, id, query, { baseUrl: baseUrlOf(request) });
  }
}
