import { Body, Controller, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

import { ProblemResponse } from '../common/dto/problem.response';
import { CorrelationId } from '../common/http/request-context';
import { Public } from './decorators/public.decorator';
import { OAuthTokenDto, OAuthTokenResponse } from './dto/auth.dto';
import { OAuthService } from './oauth.service';

@ApiTags('oauth')
@Controller('oauth')
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({ summary: 'Client credentials grant (client_secret_basic or client_secret_post)' })
  @ApiOkResponse({ type: OAuthTokenResponse })
  @ApiBadRequestResponse({ type: ProblemResponse })
  @ApiUnauthorizedResponse({ type: ProblemResponse })
  @ApiTooManyRequestsResponse({
    type: ProblemResponse,
    description: 'Too many failed attempts for this client id or from this address (Retry-After)',
  })
  token(
    @Body() dto: OAuthTokenDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
    @Headers('authorization') authorization?: string,
  ): Promise<OAuthTokenResponse> {
    return this.oauth.token(dto, authorization, ip, correlationId);
  }
}
