import { Column, Entity, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'denied' | 'failure';
export type AuditActorType = 'user' | 'api_client' | 'system' | 'anonymous';

/** One append-only audit event. `seq` (and the hashes) are set once, when the chain is sealed. */
@Entity('audit_event')
export class AuditEvent {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('bigint', { nullable: true })
  seq: string | null;

  /** Also the partition key (one partition per month), hence part of the primary key. */
  @PrimaryColumn('timestamptz')
  occurredAt: Date;

  @Column('uuid', { nullable: true })
  actorId: string | null;

  @Column('text')
  actorType: AuditActorType;

  @Column('text', { nullable: true })
  actorRole: string | null;

  @Column('text')
  action: string;

  @Column('uuid', { nullable: true })
  clientId: string | null;

  /** A list read: every client the page showed (one event per read, SPEC 9). */
  @Column('uuid', { array: true, nullable: true })
  clientIds: string[] | null;

  @Column('text', { nullable: true })
  resourceType: string | null;

  @Column('text', { nullable: true })
  resourceId: string | null;

  @Column('text')
  outcome: AuditOutcome;

  @Column('text', { nullable: true })
  correlationId: string | null;
}
