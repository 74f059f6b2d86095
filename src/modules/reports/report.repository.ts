import { Readable } from 'node:stream';

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { inSnapshot, poolOf, streamRows } from '../../common/csv/csv';
import { READ_REPLICA } from '../../database/read-replica';

export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Where the reports' statements run (their SQL: `*.queries.ts` and follow-up-rates' RATES): the
 * JSON reads on the replica when there is one (they tolerate a little lag), the CSV exports on
 * the primary (their audit event is written in the export's own snapshot).
 */
@Injectable()
export class ReportRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(READ_REPLICA) private readonly replica: DataSource,
  ) {}

  /** The statement `sql` with its named parameters (`:from`, the scope's) bound as $1, $2 ... */
  bind(sql: string, params: Record<string, unknown>): Statement {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params, {});
    return { text, values };
  }

  /** A report's rows, its statement alone in a transaction that gives it `workMemMb`. */
  rows<T>(statement: Statement, workMemMb?: number): Promise<T[]> {
    if (workMemMb === undefined) return this.replica.query(statement.text, statement.values);
    return this.replica.transaction(async (m): Promise<T[]> => {
      await m.query(`SET LOCAL work_mem = '${workMemMb}MB'`);
      return m.query(statement.text, statement.values);
    });
  }

  /** A report streamed from the primary, `audit` run in the export's snapshot before any row. */
  stream(
    statement: Statement,
    workMemMb: number,
    audit: (m: EntityManager) => Promise<void>,
  ): Promise<Readable> {
    return streamRows(poolOf(this.dataSource), statement, {
      workMemMb,
      beforeRows: (snapshot) => inSnapshot(this.dataSource, snapshot, audit),
    });
  }
}
