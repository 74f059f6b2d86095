import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import { ContactType, NoteFormat, NoteStatus, ReviewDecision } from './session-note.enums';

/** A contact with a client. Once signed its clinical content is locked (a database trigger enforces it). */
@Entity('session_note')
export class SessionNote {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  clientId: string;

  @Column('uuid')
  authorId: string;

  @Column('text')
  status: NoteStatus;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz')
  endedAt: Date;

  @Column('text')
  contactType: ContactType;

  @Column('text', { nullable: true })
  setting: string | null;

  @Column('text')
  format: NoteFormat;

  @Column('jsonb')
  sections: Record<string, string>;

  @Column('uuid', { array: true })
  goalIds: string[];

  @Column('text', { array: true })
  interventions: string[];

  @Column('text', { array: true })
  riskFlags: string[];

  @Column('timestamptz', { nullable: true })
  signedAt: Date | null;

  @Column('text', { nullable: true })
  contentHash: string | null;

  @Column('boolean')
  lateEntry: boolean;

  @Column('timestamptz', { nullable: true })
  reviewedAt: Date | null;

  @Column('uuid', { nullable: true })
  reviewerId: string | null;

  @Column('text', { nullable: true })
  reviewDecision: ReviewDecision | null;

  @Column('text', { nullable: true })
  reviewComment: string | null;

  @Column('integer')
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
