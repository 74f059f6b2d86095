import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';

import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { Public } from '../decorators/public.decorator';
import { API_SCOPES } from '../permissions';
import { ASSERTION_ALGORITHMS } from './jwk-set';

export class SmartConfigurationResponse {
  @ApiProperty({ example: 'https://bridge.example.org/oauth/token' })
  token_endpoint: string;

  @ApiProperty({ example: ['client_credentials'] })
  grant_types_supported: string[];

  @ApiProperty({ example: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: ASSERTION_ALGORITHMS })
  token_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: API_SCOPES })
  scopes_supported: string[];

  @ApiProperty({ example: ['client-confidential-asymmetric'] })
  capabilities: string[];
}

/** SMART App Launch 2.x discovery, for the Backend Services profile only (no user launch). */
@ApiTags('oauth')
@Controller('.well-known')
export class SmartConfigurationController {
  private readonly body: SmartConfigurationResponse;

  constructor(@Inject(CONFIG) config: Config) {
    this.body = {
      token_endpoint: config.smart.tokenEndpoint,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'client_secret_basic',
        'client_secret_post',
      ],
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      scopes_supported: [...API_SCOPES],
      capabilities: ['client-confidential-asymmetric'],
    };
  }

  @Public()
  @Get('smart-configuration')
  @ApiOperation({ summary: 'SMART Backend Services discovery: token endpoint, methods, scopes' })
  @ApiOkResponse({ type: SmartConfigurationResponse })
  smartConfiguration(): SmartConfigurationResponse {
    return this.body;
  }
}
