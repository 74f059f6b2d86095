import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ATTEMPT_METHODS = ['phone', 'text', 'email', 'in_person', 'video'] as const;
export type AttemptMethod = (typeof ATTEMPT_METHODS)[number];
export const ATTEMPT_OUTCOMES = ['reached', 'left_message', 'unable_to_reach'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One try to reach the client for a follow-up. */
@Entity('follow_up_attempt')
export class FollowUpAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  followUpId: string;

  @Column('uuid')
  clientId: string;

  @Column('text')
  method: AttemptMethod;

  @Column('text')
  outcome: AttemptOutcome;

  @Column('text', { nullable: true })
  note: string | null;

  @Column('uuid', { nullable: true })
  authorId: string | null;

  @Column('timestamptz')
  attemptedAt: Date;
}
