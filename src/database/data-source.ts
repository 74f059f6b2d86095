import { DataSource, DataSourceOptions } from 'typeorm';

import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { DatabaseConfig } from '../config/configuration';

/**
 * Connection options shared by the app, the CLI scripts and the tests. `asApp` connects with the
 * application role, which may not alter the audit trail; migrations run as the owner.
 */
export function dataSourceOptions(db: DatabaseConfig, asApp: boolean): DataSourceOptions {
  const options = asApp && db.appRole ? `-c role=${db.appRole}` : undefined;
  return {
    type: 'postgres',
    url: db.url,
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
      options,
    },
  };
}

export function createDataSource(db: DatabaseConfig, asApp = false): DataSource {
  return new DataSource(dataSourceOptions(db, asApp));
}
