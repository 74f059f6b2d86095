import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';

import { poolOf, streamRows } from '../../common/csv/csv';
import { preparedQuery } from '../../database/prepared';
import { READ_REPLICA } from '../../database/read-replica';
import { CASELOAD_DETAIL, CASELOAD_SUMMARY } from './caseload.queries';
import { CaseloadClientResponse, CaseloadSummaryResponse } from './dto/caseload.response';

/** A specialist's row of the supervision dashboard, before the completion rate is computed. */
export type SummaryRow = Omit<CaseloadSummaryResponse, 'followUpCompletionRate'> & {
  followUpsCompleted90Days: number;
  followUpsDue90Days: number;
};

/** Where a page of the summary starts: after this specialist (by names, then id). */
export interface SummaryAfter {
  lastName: string;
  firstName: string;
  id: string;
}

/**
 * The dashboards' statements (SPEC section 10). Dashboards tolerate a little lag: they read the
 * replica when there is one (their audit events go to the primary: AuditService).
 */
@Injectable()
export class CaseloadRepository {
  constructor(@Inject(READ_REPLICA) private readonly dataSource: DataSource) {}

  /** One page (`limit` rows) of the summary of the specialists on the caller's dashboard. */
  pageSummary(
    organizationId: string,
    supervisor: string | null,
    after: SummaryAfter | undefined,
    limit: number,
  ): Promise<SummaryRow[]> {
    return preparedQuery<SummaryRow>(this.dataSource, CASELOAD_SUMMARY, [
      organizationId,
      supervisor,
      after?.lastName ?? null,
      after?.firstName ?? null,
      after?.id ?? null,
      limit,
    ]);
  }

  /** The whole summary as a stream of rows (one cursor: the CSV export). */
  streamSummary(organizationId: string, supervisor: string | null): Promise<Readable> {
    return streamRows(poolOf(this.dataSource), {
      text: CASELOAD_SUMMARY,
      values: [organizationId, supervisor, null, null, null, null],
    });
  }

  /** The specialist's summary with their clients, if on the caller's dashboard. */
  async findDetail(
    organizationId: string,
    supervisor: string | null,
    specialistId: string,
  ): Promise<(SummaryRow & { clients: CaseloadClientResponse[] }) | undefined> {
    const [row] = await preparedQuery<SummaryRow & { clients: CaseloadClientResponse[] }>(
      this.dataSource,
      CASELOAD_DETAIL,
      [organizationId, supervisor, specialistId],
    );
    return row;
  }
}
