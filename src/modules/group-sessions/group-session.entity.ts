import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export enum GroupSessionStatus {
  Draft = 'draft',
  Signed = 'signed',
}

/** A peer support group meeting: topic, facilitator and time. Attendees live in their own rows. */
@Entity('group_session')
export class GroupSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('text')
  topic: string;

  @Column('uuid')
  facilitatorId: string;

  @Column('text', { nullable: true })
  setting: string | null;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz')
  endedAt: Date;

  @Column('uuid')
  createdById: string;

  @Column('text')
  status: GroupSessionStatus;

  @Column('timestamptz', { nullable: true })
  signedAt: Date | null;

  @Column('integer')
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export enum Attendance {
  Attended = 'attended',
  Partial = 'partial',
}

/** One client's attendance and individual participation entry: shown to no other client's record. */
@Entity('group_session_attendee')
export class GroupSessionAttendee {
  @PrimaryColumn('uuid')
  groupSessionId: string;

  @PrimaryColumn('uuid')
  clientId: string;

  @Column('uuid')
  organizationId: string;

  @Column('timestamptz')
  sessionStartedAt: Date;

  @Column('text')
  attendance: Attendance;

  @Column('text')
  participation: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
