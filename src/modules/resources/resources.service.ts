import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { Permission, roleHas } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { InvalidCursorError, Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { UnitOfWork } from '../audit/unit-of-work';
import { openNowSql } from './weekly-hours';
import {
  CreateResourceDto,
  ListResourcesQuery,
  ResourceResponse,
  UpdateResourceDto,
} from './dto/resource.dto';
import {
  boundingBox,
  haversineSql,
  orgTimeZoneSql,
  ResourceRow,
  resourceColumns,
  toResourceResponse,
} from './resource.queries';

const DEFAULT_RADIUS_KM = 25;

export interface ResourceSearch {
  params: unknown[];
  /** Binds a value, giving its placeholder. */
  p: (value: unknown) => string;
  where: string[];
  sortKey: string;
  sortCast: 'text' | 'float8';
  sql: () => string;
}

// `near` is checked for shape by the DTO; here for range (a 95° latitude matches the pattern).
function parsePoint(near: string | undefined): [number, number] | undefined {
  if (!near) return undefined;
  const [lat, lon] = near.split(',').map(Number);
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    throw new ValidationError([
      { field: 'near', message: 'near must be "lat,lon" in decimal degrees' },
    ]);
  }
  return [lat, lon];
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

/** The set fields of a DTO; `null` for required ones is a 400 (PATCH cannot clear them). */
function setFields(dto: UpdateResourceDto): [string, unknown][] {
  const entries = Object.entries(dto).filter(([, v]) => v !== undefined);
  const nulled = entries.filter(
    ([k, v]) => v === null && ['name', 'categories', 'hours', 'languages', 'active'].includes(k),
  );
  if (nulled.length > 0) {
    throw new ValidationError(
      nulled.map(([k]) => ({ field: k, message: `${k} must not be null` })),
    );
  }
  return entries;
}

/**
 * The organization's community resource directory (issue 16): everyone in the organization reads
 * it; admins and supervisors curate it. Not client data: writes are audited, reads are not.
 */
@Injectable()
export class ResourcesService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(actor: UserPrincipal, dto: CreateResourceDto): Promise<ResourceResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const id = await this.insert(m, actor, dto);
      tx.audit({
        action: 'resource.create',
        resourceType: 'CommunityResource',
        resourceId: id,
      });
      return this.read(m, actor, id);
    });
  }

  /** Inserts one resource (the CSV import calls it per row, in its transaction). */
  async insert(m: EntityManager, actor: UserPrincipal, dto: CreateResourceDto): Promise<string> {
    const fields = setFields(dto);
    this.checkPoint(dto);
    const names = [
      'organization_id',
      'created_by_id',
      'updated_by_id',
      ...fields.map(([k]) => COLUMNS[k as keyof CreateResourceDto]),
    ];
    const values = [
      actor.organizationId,
      actor.id,
      actor.id,
      ...fields.map(([k, v]) => bind(k, v)),
    ];
    const [row] = await m.query(
      `INSERT INTO community_resource (${names.join(', ')})
       VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      values,
    );
    return row.id;
  }

  async get(actor: UserPrincipal, id: string): Promise<ResourceResponse> {
    return this.read(this.dataSource.manager, actor, id);
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateResourceDto,
  ): Promise<ResourceResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.apply(m, actor, id, expectedVersion, dto);
      tx.audit({
        action: dto.active === false ? 'resource.deactivate' : 'resource.update',
        resourceType: 'CommunityResource',
        resourceId: id,
      });
      return this.read(m, actor, id);
    });
  }

  /** The conditional UPDATE (0 rows: 412 when the row is there, 404 when not). */
  async apply(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    expectedVersion: number | null,
    dto: UpdateResourceDto,
  ): Promise<void> {
    const fields = setFields(dto);
    const sets = fields.map(([k], i) => `${COLUMNS[k as keyof CreateResourceDto]} = $${i + 4}`);
    const [rows] = (await m.query(
      `UPDATE community_resource SET ${[...sets, 'updated_by_id = $3', 'version = version + 1', 'updated_at = now()'].join(', ')}
        WHERE id = $1 AND organization_id = $2 ${expectedVersion === null ? '' : `AND version = ${Number(expectedVersion)}`}
        RETURNING latitude, longitude`,
      [id, actor.organizationId, actor.id, ...fields.map(([k, v]) => bind(k, v))],
    )) as [{ latitude: number | null; longitude: number | null }[], number];
    if (rows.length === 0) {
      const [found] = await m.query(
        `SELECT 1 FROM community_resource WHERE id = $1 AND organization_id = $2`,
        [id, actor.organizationId],
      );
      if (!found) throw new NotFoundError('Resource');
      throw staleError();
    }
    this.checkPoint(rows[0]);
  }

  async list(actor: UserPrincipal, query: ListResourcesQuery): Promise<Page<ResourceResponse>> {
    const point = parsePoint(query.near);
    const pager = new Pager(query, {
      principal: actor,
      list: point ? `resources:near:${point.join(',')}` : 'resources',
      key: 'text',
    });
    const search = this.search(actor, query);
    const after = pager.after;
    if (after) {
      if (search.sortCast === 'float8' && !Number.isFinite(Number(after.key))) {
        throw new InvalidCursorError();
      }
      search.where.push(
        `(${search.sortKey}, r.id) > (${search.p(after.key)}::${search.sortCast}, ${search.p(after.id)}::uuid)`,
      );
    }
    const rows: ResourceRow[] = await this.dataSource.query(
      `${search.sql()} LIMIT ${pager.limit + 1}`,
      search.params,
    );
    return pager.page(rows, (r) => ({ key: r.sortKey, id: r.id }), toResourceResponse);
  }

  /**
   * The directory search (text, category, open now, distance) as SQL: `sql()` is the statement up
   * to its ORDER BY list, nearest first with `near`, else by name. Paging and the CSV export
   * complete it.
   */
  search(actor: UserPrincipal, query: ListResourcesQuery): ResourceSearch {
    const point = parsePoint(query.near);
    const params: unknown[] = [actor.organizationId];
    const p = (value: unknown): string => `$${params.push(value)}`;
    const where = ['r.organization_id = $1'];
    if (!query.includeInactive || !roleHas(actor.role, Permission.ResourceManage)) {
      where.push('r.active');
    }
    if (query.category) where.push(`r.categories @> ARRAY[${p(query.category)}]::text[]`);
    if (query.q) {
      const like = p(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(
        `(r.name ILIKE ${like} OR r.description ILIKE ${like} OR r.address ILIKE ${like}
          OR r.service_area ILIKE ${like} OR r.eligibility ILIKE ${like})`,
      );
    }
    if (query.openNow !== undefined) {
      const open = openNowSql('r', 'now()', orgTimeZoneSql('$1'));
      where.push(query.openNow ? open : `NOT ${open}`);
    }
    let distance = 'NULL::float8';
    let sortKey = 'lower(r.name)';
    let sortCast: 'text' | 'float8' = 'text';
    if (point) {
      const [lat, lon] = point;
      const radius = query.radiusKm ?? DEFAULT_RADIUS_KM;
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

  private async read(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
  ): Promise<ResourceResponse> {
    const [row] = await m.query(
      `SELECT ${resourceColumns('$2')} FROM community_resource r WHERE r.id = $1 AND r.organization_id = $2`,
      [id, actor.organizationId],
    );
    if (!row) throw new NotFoundError('Resource');
    return toResourceResponse(row);
  }

  private checkPoint(p: { latitude?: number | null; longitude?: number | null }): void {
    if ((p.latitude ?? null) === null && (p.longitude ?? null) === null) return;
    if ((p.latitude ?? null) !== null && (p.longitude ?? null) !== null) return;
    const field = (p.latitude ?? null) === null ? 'latitude' : 'longitude';
    throw new ValidationError([
      { field, message: 'latitude and longitude must be given together' },
    ]);
  }
}
