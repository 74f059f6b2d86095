import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Ids, enums, counts and instants only: never names or narratives. */
export type NotificationData = Record<string, string | number | boolean | null>;

/** An item in a user's inbox. `data` holds ids and enums only; `dedupeKey` makes fan-out once. */
@Entity('notification')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  recipientId: string;

  @Column('text')
  kind: string;

  @Column('text', { nullable: true })
  resourceType: string | null;

  @Column('text', { nullable: true })
  resourceId: string | null;

  @Column('uuid', { nullable: true })
  clientId: string | null;

  @Column('jsonb', { default: {} })
  data: NotificationData;

  @Column('text')
  dedupeKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  readAt: Date | null;
}
