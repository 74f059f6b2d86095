import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { Permission, roleHas } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { InvalidCursorError, Page, Pager } from '../../common/dto/pagination';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreateResourceDto,
  ListResourcesQuery,
  ResourceResponse,
  UpdateResourceDto,
} from './dto/resource.dto';
import { toResourceResponse } from './resource.queries';
import { ResourceRepository, ResourceSearch } from './resource.repository';

const DEFAULT_RADIUS_KM = 25;

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
    private readonly repo: ResourceRepository,
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
    return this.repo.insertResource(m, actor.organizationId, actor.id, fields);
  }

  async get(actor: UserPrincipal, id: string): Promise<ResourceResponse> {
    return this.read(null, actor, id);
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
    const point = await this.repo.updateResource(
      m,
      actor.organizationId,
      actor.id,
      id,
      expectedVersion,
      fields,
    );
    if (!point) {
      if (!(await this.repo.exists(m, actor.organizationId, id))) {
        throw new NotFoundError('Resource');
      }
      throw staleError();
    }
    this.checkPoint(point);
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
    if (after && search.sortCast === 'float8' && !Number.isFinite(Number(after.key))) {
      throw new InvalidCursorError();
    }
    const rows = await this.repo.findPage(search, after, pager.limit + 1);
    return pager.page(rows, (r) => ({ key: r.sortKey, id: r.id }), toResourceResponse);
  }

  /**
   * The directory search (text, category, open now, distance) for this caller: inactive
   * resources only for curators who ask for them; `near` checked for range and given its radius.
   */
  search(actor: UserPrincipal, query: ListResourcesQuery): ResourceSearch {
    const point = parsePoint(query.near);
    return this.repo.search({
      organizationId: actor.organizationId,
      activeOnly: !query.includeInactive || !roleHas(actor.role, Permission.ResourceManage),
      category: query.category,
      q: query.q,
      openNow: query.openNow,
      near: point && {
        lat: point[0],
        lon: point[1],
        radiusKm: query.radiusKm ?? DEFAULT_RADIUS_KM,
      },
    });
  }

  private async read(
    m: EntityManager | null,
    actor: UserPrincipal,
    id: string,
  ): Promise<ResourceResponse> {
    const row = await this.repo.findById(m, actor.organizationId, id);
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
