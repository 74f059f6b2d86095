import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** An EHR or treatment system; each stands for one external organization (42 CFR Part 2). */
@Entity('api_client')
export class ApiClient {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('text')
  name: string;

  @Column('text')
  clientId: string;

  @Column('bytea', { select: false })
  secretHash: Buffer;

  @Column('text', { array: true })
  scopes: string[];

  @Column('boolean', { default: true })
  active: boolean;

  /** Bumped (by a trigger) when the client is deactivated; its tokens carry it (claim `gen`). */
  @Column('integer', { default: 0 })
  tokenGeneration: number;

  @Column('integer', { default: 1 })
  version: number;

  /** The purpose it was registered for (`treatment` by default); a consent must cover it. */
  @Column('text', { default: 'treatment' })
  purpose: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
