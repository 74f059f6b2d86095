import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { dataSourceOptions } from './data-source';
import { setPreparedStatements } from './prepared';

/**
 * The data source of the reads that tolerate a little replication lag (issue 17): a hot standby
 * when DATABASE_REPLICA_URL is set, else the primary itself. Readers inject it with
 * `@Inject(READ_REPLICA)` and use it only for statements that write nothing: the audit event such a
 * read records, and everything a request wrote, go to the primary (`@InjectDataSource()`). Which
 * route reads where is the README's "Read replicas" table.
 */
export const READ_REPLICA = Symbol('READ_REPLICA');

@Global()
@Module({
  providers: [
    {
      provide: READ_REPLICA,
      inject: [CONFIG, getDataSourceToken()],
      useFactory: async (config: Config, primary: DataSource): Promise<DataSource> => {
        if (!config.db.replicaUrl) return primary;
        // The primary's entities (query builders), no migrations: the standby replays the primary's.
        const replica = new DataSource({
          ...dataSourceOptions({ ...config.db, appUrl: config.db.replicaUrl }, true),
          entities: primary.options.entities,
          migrations: [],
        });
        // Behind the same kind of pooler as the primary: named statements only where it keeps them.
        setPreparedStatements(replica, config.db.preparedStatements);
        return replica.initialize();
      },
    },
  ],
  exports: [READ_REPLICA],
})
export class ReadReplicaModule implements OnApplicationShutdown {
  constructor(
    @Inject(READ_REPLICA) private readonly replica: DataSource,
    @Inject(getDataSourceToken()) private readonly primary: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.replica !== this.primary && this.replica.isInitialized) await this.replica.destroy();
  }
}
