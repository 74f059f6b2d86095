import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const CREDENTIALS = ['CPRS', 'CPRC', 'NCPRSS', 'other'] as const;
export type Credential = (typeof CREDENTIALS)[number];

/** A specialist's credential; note signing reads the latest expiry. */
@Entity('specialist_certification')
export class SpecialistCertification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  userId: string;

  @Column('text')
  credential: Credential;

  @Column('text')
  number: string;

  @Column('text')
  issuingState: string;

  @Column('date')
  issuedOn: string;

  @Column('date')
  expiresOn: string;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
