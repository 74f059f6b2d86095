import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { PlanStatus } from './plan-status';

export type AgreementMethod = 'verbal' | 'signed' | 'electronic';

/** A client's recovery plan (FHIR CarePlan). Dates are `YYYY-MM-DD` strings. */
@Entity('recovery_plan')
export class RecoveryPlan {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  clientId: string;

  @Column('text')
  title: string;

  @Column('text')
  status: PlanStatus;

  @Column('date')
  startDate: string;

  @Column('date', { nullable: true })
  endDate: string | null;

  @Column('date')
  reviewDueAt: string;

  @Column('jsonb')
  strengths: string[];

  @Column('jsonb')
  barriers: string[];

  @Column('date', { nullable: true })
  agreedOn: string | null;

  @Column('text', { nullable: true })
  agreementMethod: AgreementMethod | null;

  @Column('uuid', { nullable: true })
  createdById: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
