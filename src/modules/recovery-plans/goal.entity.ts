import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VirtualColumn,
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

/** The session notes that address goal `goal` (an alias): the client's notes listing its id. */
const notesOf = (goal: string): string =>
  `n.client_id = ${goal}.client_id AND n.goal_ids @> ARRAY[${goal}.id]`;

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

  // Progress is recorded through the session notes that address the goal (SPEC 5). Both figures
  // are subqueries of the statement that reads the goal, so a list of goals costs one statement.
  // The client's notes are few; `session_note_client_time_idx` finds them.
  @VirtualColumn({
    type: 'int',
    query: (g) => `SELECT count(*)::int FROM session_note n WHERE ${notesOf(g)}`,
  })
  notesCount: number;

  @VirtualColumn({
    type: 'timestamptz',
    query: (g) => `SELECT max(n.started_at) FROM session_note n WHERE ${notesOf(g)}`,
  })
  lastAddressedAt: Date | null;
}
