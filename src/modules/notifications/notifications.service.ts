import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { Principal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { NotFoundError } from '../../common/errors/domain-error';
import { NotificationQuery, NotificationResponse } from './dto/notification.dto';
import { Notification, NotificationData } from './notification.entity';
import { NotificationRepository } from './notification.repository';

const toResponse = (n: Notification): NotificationResponse => ({
  id: n.id,
  kind: n.kind,
  resourceType: n.resourceType,
  resourceId: n.resourceId,
  clientId: n.clientId,
  data: n.data,
  createdAt: n.createdAt.toISOString(),
  readAt: n.readAt?.toISOString() ?? null,
});

export interface NewNotification {
  organizationId: string;
  recipientIds: string[];
  kind: string;
  dedupeKey: string;
  resourceType?: string;
  resourceId?: string;
  clientId?: string;
  data?: NotificationData;
}

@Injectable()
export class NotificationsService {
  constructor(private readonly notifications: NotificationRepository) {}

  async list(actor: Principal, query: NotificationQuery): Promise<Page<NotificationResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'notifications' });
    const rows = await this.notifications.pageForRecipient(actor.id, Boolean(query.unread), pager);
    return pager.page(rows, (n) => ({ key: n.createdAt.toISOString(), id: n.id }), toResponse);
  }

  async markRead(actor: Principal, id: string): Promise<NotificationResponse> {
    const n = await this.notifications.markRead(actor.id, id);
    if (!n) throw new NotFoundError('Notification');
    return toResponse(n);
  }

  /**
   * Fan-out, once per recipient whatever the number of deliveries: the unique dedupe key makes a
   * job that runs twice insert nothing the second time. Returns how many were new. With
   * `manager`, in the caller's transaction.
   */
  async notify(n: NewNotification, manager?: EntityManager): Promise<number> {
    if (n.recipientIds.length === 0) return 0;
    return this.notifications.insertFanOut(
      {
        organizationId: n.organizationId,
        recipientIds: n.recipientIds,
        kind: n.kind,
        dedupeKey: n.dedupeKey,
        resourceType: n.resourceType ?? null,
        resourceId: n.resourceId ?? null,
        clientId: n.clientId ?? null,
        data: n.data ?? {},
      },
      manager,
    );
  }
}
