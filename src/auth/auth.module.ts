import { Module } from '@nestjs/common';

import { ApiClientsModule } from '../modules/api-clients/api-clients.module';
import { UsersModule } from '../modules/users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLimiterService } from './login-limiter.service';
import { OAuthController } from './oauth.controller';
import { OAuthService } from './oauth.service';

@Module({
  imports: [UsersModule, ApiClientsModule],
  controllers: [AuthController, OAuthController],
  providers: [AuthService, OAuthService, LoginLimiterService],
})
export class AuthModule {}
