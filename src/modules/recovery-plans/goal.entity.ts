import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { GoalAchievementStatus, GoalLifecycleStatus } from './goal-status';

export type RecoveryDomain = 'health' | 'home' | 'purpose' | 'community';
export const RECOVERY_DOMAINS: readonly RecoveryDomain[] = [
  'health',
  'home',
  'purpose',
  'community',
];

export interface ActionStep {
  text: string;
  done: boolean;
}

/** A goal of a recovery plan (FHIR Goal). Its plan and client never change. */
@Entity('goal')
export class Goal {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  clientId: string;

  @Column('uuid')
  planId: string;

  @Column('text')
  description: string;

  @Column('text')
  domain: RecoveryDomain;

  @Column('date', { nullable: true })
  targetDate: string | null;

  @Column('jsonb')
  actionSteps: ActionStep[];

  @Column('text')
  lifecycleStatus: GoalLifecycleStatus;

  @Column('text', { nullable: true })
  achievementStatus: GoalAchievementStatus | null;

  @Column('uuid', { nullable: true })
  createdById: string | null;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
