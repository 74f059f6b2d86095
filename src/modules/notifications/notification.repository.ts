import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { Notification, NotificationData } from './notification.entity';

// One statement for all recipients (a query builder cost the worker a third of a reminder's CPU).
const NOTIFY = `INSERT INTO notification (organization_id, recipient_id, kind, resource_type, resource_id,
    client_id, data, dedupe_key)
  SELECT $1, r, $3, $4, $5, $6, $7, $8 || '|' || r FROM unnest($2::uuid[]) AS r
  ON CONFLICT DO NOTHING RETURNING id`;

/** The rows of one fan-out (the dedupe key gets `|recipient` appended per row). */
export interface NotificationFanOut {
  organizationId: string;
  recipientIds: string[];
  kind: string;
  dedupeKey: string;
  resourceType: string | null;
  resourceId: string | null;
  clientId: string | null;
  data: NotificationData;
}

/** The SQL of in-app notifications (and of who receives the security ones). */
@Injectable()
export class NotificationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
  ) {}

  /** One page of the recipient's notifications (only unread ones with `unreadOnly`), newest first. */
  pageForRecipient(
    recipientId: string,
    unreadOnly: boolean,
    pager: Pager,
  ): Promise<Notification[]> {
    const qb = this.notifications
      .createQueryBuilder('n')
      .where('n.recipient_id = :me', { me: recipientId });
    if (unreadOnly) qb.andWhere('n.read_at IS NULL');
    return pageNewestFirst(qb, 'n', pager).getMany();
  }

  /** Marks the recipient's notification read (the first read time stays), then reads it back. */
  async markRead(recipientId: string, id: string): Promise<Notification | null> {
    await this.notifications
      .createQueryBuilder()
      .update()
      .set({ readAt: () => 'coalesce(read_at, now())' })
      .where('id = :id AND recipient_id = :me', { id, me: recipientId })
      .execute();
    return this.notifications.findOneBy({ id, recipientId });
  }

  /**
   * Inserts one notification per recipient, skipping those already there (dedupe key); returns
   * how many were new. With `manager`, in the caller's transaction.
   */
  async insertFanOut(n: NotificationFanOut, manager?: EntityManager): Promise<number> {
    const inserted: unknown[] = await (manager ?? this.notifications.manager).query(NOTIFY, [
      n.organizationId,
      n.recipientIds,
      n.kind,
      n.resourceType,
      n.resourceId,
      n.clientId,
      JSON.stringify(n.data),
      n.dedupeKey,
    ]);
    return inserted.length;
  }

  /** The active admins of the organization. */
  async activeAdminIds(organizationId: string): Promise<string[]> {
    const admins: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM app_user WHERE organization_id = $1 AND role = 'admin' AND active`,
      [organizationId],
    );
    return admins.map((a) => a.id);
  }
}
