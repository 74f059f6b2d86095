import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';

import { AuthCoreModule } from './auth/auth-core.module';
import { CONFIG, AppConfigModule } from './config/config.module';
import { Config, loadConfig } from './config/configuration';
import { loggerParams } from './common/logging/logger.config';
import { AppRoleError, dataSourceOptions, initializeAppDataSource } from './database/data-source';
import { ReadReplicaModule } from './database/read-replica';
import { AuditCoreModule } from './modules/audit/audit-core.module';
import { IdempotencyModule } from './modules/idempotency/idempotency.module';
import { WebhookEventsModule } from './modules/webhooks/webhook-events.module';
import { OutboxModule } from './queue/outbox.module';
import { RedisModule } from './redis/redis.module';

/**
 * What both processes (API and worker) stand on: config, logs, Postgres, Redis, audit, outbox,
 * the webhook events written beside a change, and the idempotency keys.
 */
@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({ inject: [CONFIG], useFactory: loggerParams }),
    TypeOrmModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        ...dataSourceOptions(config.db, true),
        autoLoadEntities: true,
        retryAttempts: 3,
        retryDelay: 1000,
        toRetry: (err: unknown) => !(err instanceof AppRoleError),
      }),
      // Refuses a role that could change the audit trail; warns while demo logins exist.
      // DATABASE_PREPARED_STATEMENTS=false: unnamed statements, for a pooler that drops names.
      dataSourceFactory: (options) =>
        initializeAppDataSource(
          options!,
          {
            banner: loadConfig().app.env !== 'test',
            warn: (message) => new Logger('Database').warn(message),
          },
          loadConfig().db.preparedStatements,
        ),
    }),
    ReadReplicaModule,
    RedisModule,
    AuditCoreModule,
    AuthCoreModule,
    OutboxModule,
    WebhookEventsModule,
    IdempotencyModule,
  ],
})
export class CoreModule {}
