import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import type { FollowUpKind } from '../discharges/cadence';
import type { FollowUpStatus } from './follow-up-status';

export type FollowUpOutcome = 'reached' | 'declined' | 'unreachable';

/** A follow-up task (FHIR Task) of a discharge's cadence. */
@Entity('follow_up')
export class FollowUp {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  clientId: string;

  @Column('uuid', { nullable: true })
  dischargeId: string | null;

  @Column('text')
  kind: FollowUpKind;

  @Column('text')
  label: string;

  @Column('text')
  status: FollowUpStatus;

  @Column('timestamptz')
  dueAt: Date;

  @Column('timestamptz')
  windowStart: Date;

  @Column('timestamptz')
  windowEnd: Date;

  @Column('uuid', { nullable: true })
  ownerId: string | null;

  @Column('timestamptz', { nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  completedAt: Date | null;

  @Column('text', { nullable: true })
  outcome: FollowUpOutcome | null;

  @Column('text', { nullable: true })
  statusReason: string | null;

  @Column('uuid', { nullable: true })
  sessionNoteId: string | null;

  /** The referral out whose connection this task checks (the worker creates it, once). */
  @Column('uuid', { nullable: true })
  referralOutId: string | null;

  @Column('integer')
  unreachableAttempts: number;

  @Column('integer')
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
