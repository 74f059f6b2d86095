import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';

import { AccessService } from './access.service';
import { SessionCheckService } from './session-check.service';
import { JwtStrategy } from './strategies/jwt.strategy';
import { TokenService } from './token.service';

/** Token verification and revocation checks, shared by every module that needs a principal. */
@Global()
@Module({
  imports: [PassportModule],
  providers: [TokenService, SessionCheckService, JwtStrategy, AccessService],
  exports: [TokenService, SessionCheckService, AccessService],
})
export class AuthCoreModule {}
