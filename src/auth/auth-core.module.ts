import { Global, Module } from '@nestjs/common';

import { AccessService } from './access.service';
import { AuthRepository } from './auth.repository';
import { SessionCheckService } from './session-check.service';
import { TokenService } from './token.service';

/** Tokens, revocation checks and record scope, shared by the API and the worker. */
@Global()
@Module({
  providers: [TokenService, SessionCheckService, AccessService, AuthRepository],
  exports: [TokenService, SessionCheckService, AccessService, AuthRepository],
})
export class AuthCoreModule {}
