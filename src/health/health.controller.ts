import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';

import { Public } from '../auth/decorators/public.decorator';
import { ProblemResponse } from '../common/dto/problem.response';
import { DomainError } from '../common/errors/domain-error';
import { RedisHealthIndicator } from './redis.health';

class HealthResponse {
  @ApiProperty({ example: 'ok' })
  status: string;
}

const CHECKS = {
  type: 'object' as const,
  additionalProperties: { type: 'object', additionalProperties: true },
  example: { postgres: { status: 'up' }, redis: { status: 'up' } },
};

/** What @nestjs/terminus answers when every check passes. */
class ReadyResponse {
  @ApiProperty({ example: 'ok' })
  status: string;

  @ApiProperty(CHECKS)
  info: Record<string, unknown>;

  @ApiProperty(CHECKS)
  error: Record<string, unknown>;

  @ApiProperty(CHECKS)
  details: Record<string, unknown>;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: HealthResponse })
  live(): HealthResponse {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and Redis answer' })
  @ApiOkResponse({ description: 'Ready', type: ReadyResponse })
  @ApiServiceUnavailableResponse({ type: ProblemResponse })
  ready(): Promise<unknown> {
    return this.health
      .check([
        () => this.db.pingCheck('postgres', { timeout: 1500 }),
        () => this.redis.isHealthy('redis'),
      ])
      .catch((err: unknown) => {
        const checks =
          err instanceof ServiceUnavailableException
            ? (err.getResponse() as { details?: unknown }).details
            : undefined;
        throw new DomainError('SERVICE_UNAVAILABLE', 'A dependency is not ready.', {
          retryAfterSeconds: 5,
          members: { checks },
        });
      });
  }
}
