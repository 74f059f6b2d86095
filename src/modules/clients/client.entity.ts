import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type ClientStatus = 'referred' | 'active' | 'inactive' | 'closed';
export const CLIENT_STATUSES: ClientStatus[] = ['referred', 'active', 'inactive', 'closed'];
export type ContactMethod = 'phone' | 'text' | 'email' | 'in_person' | 'video';
export const CONTACT_METHODS: ContactMethod[] = ['phone', 'text', 'email', 'in_person', 'video'];

/** A person a peer program supports. Reads go through ClientQueries; this maps writes. */
@Entity('client')
export class Client {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('text')
  firstName: string;

  @Column('text')
  lastName: string;

  @Column('text', { nullable: true })
  preferredName: string | null;

  @Column('date')
  dateOfBirth: string;

  @Column('text', { nullable: true })
  pronouns: string | null;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('text', { nullable: true })
  preferredContactMethod: ContactMethod | null;

  @Column('date', { nullable: true })
  recoveryStartDate: string | null;

  @Column('text', { default: 'active' })
  status: ClientStatus;

  @Column('uuid', { nullable: true })
  primarySpecialistId: string | null;

  @Column('boolean', { default: false })
  needsReassignment: boolean;

  @Column('date', { nullable: true, name: 'part2_notice_acknowledged_on' })
  part2NoticeAcknowledgedOn: string | null;

  @Column('timestamptz', { nullable: true })
  lastContactAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  deletedAt: Date | null;
}
