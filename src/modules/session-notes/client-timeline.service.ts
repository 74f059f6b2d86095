import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { AuditService } from '../audit/audit.service';
import { TimelineItemResponse } from './dto/session-note.response';

interface TimelineRow {
  type: string;
  id: string;
  occurred_at: Date;
  status: string | null;
  label: string | null;
}

// Each source: (type, id, instant, status, label) for client $1; ids and enums only, no narrative.
const SOURCES: string[] = [
  `SELECT 'session_note' AS type, x.id, x.started_at AS occurred_at, x.status, x.contact_type AS label FROM session_note x WHERE x.client_id = $1`,
  `SELECT 'follow_up' AS type, x.id, x.due_at AS occurred_at, x.status, x.label FROM follow_up x WHERE x.client_id = $1`,
  `SELECT 'group_session' AS type, x.group_session_id AS id, x.session_started_at AS occurred_at,
            x.attendance AS status, g.topic AS label
          FROM group_session_attendee x JOIN group_session g ON g.id = x.group_session_id WHERE x.client_id = $1`,
  `SELECT 'assessment' AS type, x.id, x.administered_at AS occurred_at, NULL::text AS status,
            x.instrument || ' ' || x.total AS label FROM assessment x WHERE x.client_id = $1`,
  `SELECT 'referral_out' AS type, x.id, x.sent_at AS occurred_at, x.status, x.need AS label
          FROM referral_out x WHERE x.client_id = $1`,
];

/**
 * A client's history, newest first, in one SQL statement whatever its length: each source is
 * cut to the page by its own (client_id, instant) index, then merged.
 */
@Injectable()
export class ClientTimelineService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async timeline(
    actor: Principal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<TimelineItemResponse>> {
    const pager = new Pager(query, { principal: actor, list: `timeline:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const after = pager.after;
    const keyset = after ? `WHERE (t.occurred_at, t.id) < ($2::timestamptz, $3::uuid)` : '';
    const limit = query.limit + 1;
    const branches = SOURCES.map(
      (sql) =>
        `(SELECT * FROM (${sql}) t ${keyset} ORDER BY t.occurred_at DESC, t.id DESC LIMIT ${limit})`,
    );
    const rows: TimelineRow[] = await this.dataSource.query(
      `SELECT * FROM (${branches.join(' UNION ALL ')}) u ORDER BY u.occurred_at DESC, u.id DESC LIMIT ${limit}`,
      after ? [clientId, after.key, after.id] : [clientId],
    );
    await this.audit.recordNow(actor, {
      action: 'client.timeline.read',
      clientId,
      resourceType: 'Client',
      resourceId: clientId,
    });
    return pager.page(
      rows,
      (r) => ({ key: r.occurred_at.toISOString(), id: r.id }),
      (r) => ({
        type: r.type,
        id: r.id,
        occurredAt: r.occurred_at.toISOString(),
        status: r.status,
        label: r.label,
      }),
    );
  }
}
