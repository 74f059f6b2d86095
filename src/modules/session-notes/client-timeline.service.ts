import { Injectable } from '@nestjs/common';

import { AccessService } from '../../auth/access.service';
import { Principal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { AuditService } from '../audit/audit.service';
import { TimelineItemResponse } from './dto/session-note.response';
import { SessionNoteRepository } from './session-note.repository';

/** A client's history, newest first, in one SQL statement whatever its length. */
@Injectable()
export class ClientTimelineService {
  constructor(
    private readonly notes: SessionNoteRepository,
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
    const rows = await this.notes.timelinePage(clientId, pager.after, query.limit + 1);
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
