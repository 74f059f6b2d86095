import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

@Entity('team')
export class Team {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('text')
  name: string;

  @Column('boolean', { default: true })
  active: boolean;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

export type Membership = 'member' | 'supervisor';

/** A specialist's membership of a team, or a supervisor's supervision of it. */
@Entity('team_member')
export class TeamMember {
  @PrimaryColumn('uuid')
  teamId: string;

  @PrimaryColumn('uuid')
  userId: string;

  @PrimaryColumn('text')
  membership: Membership;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
