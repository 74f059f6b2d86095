import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

import { ProblemResponse } from '../common/dto/problem.response';
import { CorrelationId } from '../common/http/request-context';
import { AuthService } from './auth.service';
import { CurrentUser } from './decorators/current-user.decorator';
import { Public } from './decorators/public.decorator';
import { RequirePermission } from './decorators/require-permission.decorator';
import { LoginDto, MeResponse, RefreshDto, TokenResponse } from './dto/auth.dto';
import { Permission } from './permissions';
import { Principal } from './principal';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ type: ProblemResponse })
  @ApiTooManyRequestsResponse({
    type: ProblemResponse,
    description: 'Per-account or per-IP limit; see Retry-After',
  })
  login(
    @Body() dto: LoginDto,
    @Ip() ip: string,
    @CorrelationId() correlationId: string,
  ): Promise<TokenResponse> {
    return this.auth.login(dto, ip, correlationId);
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (the old one is spent)' })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ type: ProblemResponse })
  refresh(@Body() dto: RefreshDto): Promise<TokenResponse> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Public()
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'End the session of this refresh token; its access tokens stop within seconds',
  })
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse({ type: ProblemResponse })
  logout(@Body() dto: RefreshDto, @CorrelationId() correlationId: string): Promise<void> {
    return this.auth.logout(dto.refreshToken, correlationId);
  }

  @Get('me')
  @RequirePermission(Permission.MeRead)
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentUser() principal: Principal): Promise<MeResponse> {
    return this.auth.me(principal);
  }
}
