import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';

import { poolOf, streamRows } from '../../common/csv/csv';
import { CreateResourceDto } from './dto/resource.dto';
import {
  boundingBox,
  haversineSql,
  orgTimeZoneSql,
  ResourceRow,
  resourceColumns,
} from './resource.queries';
import { openNowSql } from './weekly-hours';

/** What the directory search filters on (already checked and defaulted by the service). */
export interface ResourceCriteria {
  organizationId: string;
  activeOnly: boolean;
  category?: string;
  q?: string;
  openNow?: boolean;
  /** With its radius: nearest first, within the radius. */
  near?: { lat: number; lon: number; radiusKm: number };
}

export interface ResourceSearch {
  params: unknown[];
  /** Binds a value, giving its placeholder. */
  p: (value: unknown) => string;
  where: string[];
  sortKey: string;
  sortCast: 'text' | 'float8';
  sql: () => string;
}

// DTO field -> column; jsonb and arrays are bound as such.
const COLUMNS: Record<keyof CreateResourceDto, string> = {
  name: 'name',
  categories: 'categories',
  description: 'description',
  address: 'address',
  latitude: 'latitude',
  longitude: 'longitude',
  serviceArea: 'service_area',
  hours: 'hours',
  phone: 'phone',
  url: 'url',
  eligibility: 'eligibility',
  languages: 'languages',
  active: 'active',
};

const bind = (field: string, value: unknown): unknown =>
  field === 'hours' ? JSON.stringify(value) : value;

/** The resources module's data access: the community resource directory. */
@Injectable()
export class ResourceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts one resource from its set DTO fields; gives its id. */
  async insertResource(
    manager: EntityManager,
    organizationId: string,
    actorId: string,
    fields: [string, unknown][],
  ): Promise<string> {
    const names = [
      'organization_id',
      'created_by_id',
      'updated_by_id',
      ...fields.map(([k]) => COLUMNS[k as keyof CreateResourceDto]),
    ];
    const values = [organizationId, actorId, actorId, ...fields.map(([k, v]) => bind(k, v))];
    const [row] = await manager.query(
      `INSERT INTO community_resource (${names.join(', ')})
       VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      values,
    );
    return row.id;
  }

  /**
   * The conditional UPDATE of the set DTO fields (no version check when `expectedVersion` is
   * null): the resource's point after it, or undefined when no row matched.
   */
  async updateResource(
    manager: EntityManager,
    organizationId: string,
    actorId: string,
    id: string,
    expectedVersion: number | null,
    fields: [string, unknown][],
  ): Promise<{ latitude: number | null; longitude: number | null } | undefined> {
    const sets = fields.map(([k], i) => `${COLUMNS[k as keyof CreateResourceDto]} = $${i + 4}`);
    const [rows] = (await manager.query(
      `UPDATE community_resource SET ${[...sets, 'updated_by_id = $3', 'version = version + 1', 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND organization_id = $2 ${expectedVersion === null ? '' : `AND version = ${Number(expectedVersion)}`}
        RETURNING latitude, longitude`,
      [id, organizationId, actorId, ...fields.map(([k, v]) => bind(k, v))],
    )) as [{ latitude: number | null; longitude: number | null }[], number];
    return rows[0];
  }

  async exists(manager: EntityManager, organizationId: string, id: string): Promise<boolean> {
    const [found] = await manager.query(
      `SELECT 1 FROM community_resource WHERE id = $1 AND organization_id = $2`,
      [id, organizationId],
    );
    return !!found;
  }

  /** One resource of the organization; `manager` null reads outside a transaction. */
  async findById(
    manager: EntityManager | null,
    organizationId: string,
    id: string,
  ): Promise<ResourceRow | undefined> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT ${resourceColumns('$2')} FROM community_resource r WHERE r.id = $1 AND r.organization_id = $2`,
      [id, organizationId],
    );
    return row;
  }

  /** Which of these ids are resources of the organization. */
  async findExistingIds(organizationId: string, ids: string[]): Promise<string[]> {
    const found: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM community_resource WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
      [organizationId, ids],
    );
    return found.map((r) => r.id);
  }

  /**
   * The directory search (text, category, open now, distance) as SQL: `sql()` is the statement up
   * to its ORDER BY list, nearest first with `near`, else by name. Paging and the CSV export
   * complete it.
   */
  search(criteria: ResourceCriteria): ResourceSearch {
    const params: unknown[] = [criteria.organizationId];
    const p = (value: unknown): string => `$${params.push(value)}`;
    const where = ['r.organization_id = $1'];
    if (criteria.activeOnly) where.push('r.active');
    if (criteria.category) where.push(`r.categories @> ARRAY[${p(criteria.category)}]::text[]`);
    if (criteria.q) {
      const like = p(`%${criteria.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(
        `(r.name ILIKE ${like} OR r.description ILIKE ${like} OR r.address ILIKE ${like}
          OR r.service_area ILIKE ${like} OR r.eligibility ILIKE ${like})`,
      );
    }
    if (criteria.openNow !== undefined) {
      const open = openNowSql('r', 'now()', orgTimeZoneSql('$1'));
      where.push(criteria.openNow ? open : `NOT ${open}`);
    }
    let distance = 'NULL::float8';
    let sortKey = 'lower(r.name)';
    let sortCast: 'text' | 'float8' = 'text';
    if (criteria.near) {
      const { lat, lon, radiusKm: radius } = criteria.near;
      const box = boundingBox(lat, lon, radius);
      where.push(`r.latitude BETWEEN ${p(box.minLat)} AND ${p(box.maxLat)}`);
      if (box.minLon !== null) {
        where.push(`r.longitude BETWEEN ${p(box.minLon)} AND ${p(box.maxLon)}`);
      }
      distance = haversineSql(`${p(lat)}::float8`, `${p(lon)}::float8`);
      where.push(`${distance} <= ${p(radius)}`);
      sortKey = distance;
      sortCast = 'float8';
    }
    return {
      params,
      p,
      where,
      sortKey,
      sortCast,
      sql: () =>
        `SELECT ${resourceColumns('$1', distance)}, (${sortKey})::text AS "sortKey"
           FROM community_resource r WHERE ${where.join(' AND ')} ORDER BY ${sortKey}, r.id`,
    };
  }

  /** A page of the search: `limit` rows after the cursor's (sort key, id). */
  findPage(
    search: ResourceSearch,
    after: { key: string; id: string } | undefined,
    limit: number,
  ): Promise<ResourceRow[]> {
    if (after) {
      search.where.push(
        `(${search.sortKey}, r.id) > (${search.p(after.key)}::${search.sortCast}, ${search.p(after.id)}::uuid)`,
      );
    }
    return this.dataSource.query(`${search.sql()} LIMIT ${limit}`, search.params);
  }

  /** Every row of the search, streamed (the CSV export). */
  streamAll(search: ResourceSearch): Promise<Readable> {
    return streamRows<ResourceRow>(poolOf(this.dataSource), {
      text: search.sql(),
      values: search.params,
    });
  }
}
