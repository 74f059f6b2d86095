import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';

import { ApiClientsModule } from '../modules/api-clients/api-clients.module';
import { UsersModule } from '../modules/users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { BearerAuthenticator } from './bearer-authenticator';
import { LoginLimiterService } from './login-limiter.service';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';
import { ClientAssertionService } from './smart/client-assertion.service';
import { JwksFetcher } from './smart/jwks-fetcher.service';
import { SmartConfigurationController } from './smart/smart-configuration.controller';
import { JwtStrategy } from './strategies/jwt.strategy';

@Module({
  imports: [PassportModule, UsersModule, ApiClientsModule],
  controllers: [AuthController, OAuthController, SmartConfigurationController],
  // The passport strategy is registered by the API only: the worker authenticates no one.
  providers: [
    AuthService,
    OAuthService,
    LoginLimiterService,
    BearerAuthenticator,
    JwtStrategy,
    ClientAssertionService,
    JwksFetcher,
  ],
  // The queue dashboard reuses the login (its limits and audit) and the bearer check.
  exports: [AuthService, BearerAuthenticator],
})
export class AuthModule {}
