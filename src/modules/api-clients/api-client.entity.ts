import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import type { PublicJwkSet } from '../../auth/smart/jwk-set';

export const API_CLIENT_PURPOSES = ['treatment', 'payment', 'operations', 'research'] as const;
export type ApiClientPurpose = (typeof API_CLIENT_PURPOSES)[number];

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

  /** Null when the client authenticates with keys only (private_key_jwt). */
  @Column('bytea', { select: false, nullable: true })
  secretHash: Buffer | null;

  @Column('text', { array: true })
  scopes: string[];

  /** The purpose of use its disclosures serve; consents must cover it (SPEC 8). */
  @Column('text', { default: 'treatment' })
  purpose: ApiClientPurpose;

  /** The public JWK Set its client assertions are signed with (inline registration). */
  @Column('jsonb', { nullable: true })
  jwks: PublicJwkSet | null;

  /** Where its JWK Set is published (fetched with the SSRF guards of JwksFetcher). */
  @Column('text', { nullable: true })
  jwksUrl: string | null;

  @Column('boolean', { default: true })
  active: boolean;

  /** Bumped (by a trigger) when the client is deactivated; its tokens carry it (claim `gen`). */
  @Column('integer', { default: 0 })
  tokenGeneration: number;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
