import { DataSource, DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { DatabaseConfig } from '../config/configuration';

/**
 * Connection options shared by the app, the CLI scripts and the tests. `asApp` logs in as the
 * application role, which may not alter the audit trail (and, being a login role of its own rather
 * than a SET ROLE of the owner's session, cannot RESET back to the owner); migrations run as the
 * owner.
 */
export function dataSourceOptions(db: DatabaseConfig, asApp: boolean): DataSourceOptions {
  return {
    type: 'postgres',
    url: asApp ? db.appUrl : db.url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    namingStrategy: new SnakeNamingStrategy(),
    extra: {
      max: db.poolSize,
      connectionTimeoutMillis: 3000,
      statement_timeout: 15000,
      idle_in_transaction_session_timeout: 30000,
    },
  };
}

export function createDataSource(db: DatabaseConfig, asApp = false): DataSource {
  return new DataSource(dataSourceOptions(db, asApp));
}
