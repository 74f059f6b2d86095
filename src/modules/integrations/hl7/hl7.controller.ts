import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { CurrentUser } from '../../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../../auth/decorators/require-permission.decorator';
import { Permission } from '../../../auth/permissions';
import { ApiClientPrincipal } from '../../../auth/principal';
import { HL7_CONTENT_TYPES } from './hl7-content-type';
import { Hl7Service } from './hl7.service';

@ApiTags('integrations')
@Controller('api/v1/integrations')
export class Hl7Controller {
  constructor(private readonly hl7: Hl7Service) {}

  @Post('hl7v2')
  @HttpCode(200)
  @RequirePermission(Permission.IntegrationDischargeWrite)
  @ApiOperation({
    summary:
      'Receive an HL7 v2 ADT message (A03 starts the discharge bridge; A01/A04 are recorded); answers an HL7 ACK',
  })
  @ApiConsumes(...HL7_CONTENT_TYPES)
  @ApiBody({ schema: { type: 'string', example: 'MSH|^~\\&|...' } })
  // The ACK is ER7 text; refusals before the message is read (401, 403) stay problem+json.
  @ApiOkResponse({
    content: { [HL7_CONTENT_TYPES[0]]: { schema: { type: 'string' } } },
    description: 'ACK with MSA AA, AE or AR',
  })
  async receive(
    @CurrentUser() sender: ApiClientPrincipal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    reply.type(answerType(request));
    // The raw ER7 text (not @Body: the validation pipe takes every body for a DTO object).
    return this.hl7.receive(sender, typeof request.body === 'string' ? request.body : '');
  }
}

function answerType(request: FastifyRequest): string {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return type === 'text/plain' ? 'text/plain' : HL7_CONTENT_TYPES[0];
}
