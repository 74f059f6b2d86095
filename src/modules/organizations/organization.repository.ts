import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** The stored settings (jsonb) and the row's version. */
export interface SettingsRow {
  settings: Record<string, unknown>;
  version: number;
}

/** The SQL of organizations (their settings). */
@Injectable()
export class OrganizationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findSettings(organizationId: string): Promise<SettingsRow> {
    const [row] = await this.dataSource.query(
      `SELECT settings, version FROM organization WHERE id = $1`,
      [organizationId],
    );
    return row;
  }

  /** Merges the patch into the settings when at `expectedVersion`; undefined when stale. */
  async mergeSettings(
    m: EntityManager,
    organizationId: string,
    expectedVersion: number,
    patch: Record<string, unknown>,
  ): Promise<SettingsRow | undefined> {
    const [rows] = (await m.query(
      `UPDATE organization SET settings = settings || $3::jsonb, version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2 RETURNING settings, version`,
      [organizationId, expectedVersion, JSON.stringify(patch)],
    )) as [SettingsRow[], number];
    return rows[0];
  }

  /** Whether Postgres knows this IANA time zone name. */
  async isKnownTimeZone(m: EntityManager, timeZone: string): Promise<boolean> {
    const [known] = await m.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, [timeZone]);
    return Boolean(known);
  }
}
