import { Injectable } from '@nestjs/common';
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';

import { DisclosurePurpose } from '../../auth/access/consent.sql';
import { allows } from '../../auth/guards/permission.guard';
import { Permission } from '../../auth/permissions';
import { ApiClientPrincipal, Principal } from '../../auth/principal';
import { MAX_PAGE_SIZE } from '../../common/dto/page.query';
import { decodeCursor, encodeCursor } from '../../common/dto/pagination';
import { DomainError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { Disclosure, DisclosureService } from '../disclosures/disclosures.service';
import { part2Meta } from './fhir-labels';
import { FhirResourceDefinition } from './fhir-resource';
import { fhirResource } from './fhir.registry';
import { FhirRepository, FhirSearchRow } from './fhir.repository';
import {
  idParam,
  InvalidSearchValueError,
  isUuid,
  patientParam,
  SearchParamDefinition,
  SqlArgs,
  UnsupportedSearchParameterError,
} from './fhir-search';

/** The raw query of a FHIR request: Fastify gives repeated parameters as arrays. */
export type FhirQuery = Record<string, string | string[] | undefined>;

/** Where this request was made: the base for `fullUrl` and `Bundle.link`. */
export interface FhirRequestUrl {
  baseUrl: string;
}

const DEFAULT_COUNT = 20;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const RESULT_PARAMS = new Set(['_count', '_cursor', '_format', '_include']);
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

type Row = FhirSearchRow;

/** Every search parameter of a type: its own, `_id`, and `patient` for client-bound types. */
export function searchParamsOf(def: FhirResourceDefinition): SearchParamDefinition[] {
  const common = [idParam(def.id)];
  if (def.categories && def.type !== 'Patient') common.push(patientParam('c.id'));
  return [...common, ...def.searchParams];
}

/** `_format`, when given, must ask for JSON. */
export function checkFormat(query: FhirQuery): void {
  const format = query._format;
  if (format === undefined) return;
  if (typeof format !== 'string' || !JSON_FORMATS.has(format)) {
    throw new InvalidSearchValueError('_format', '_format must be json or application/fhir+json');
  }
}

/**
 * FHIR read and search for API clients, for every type of FHIR_RESOURCES: consent-checked in the
 * statement that reads the rows (42 CFR Part 2: without a consent in force the row does not
 * exist), in a bounded number of statements (the rows, the included Patients, then one statement
 * for the accounting rows and audit events of everything disclosed), each a named prepared
 * statement (the consent-checked SELECT cost more to plan than to run).
 */
@Injectable()
export class FhirSearchService {
  constructor(
    private readonly repo: FhirRepository,
    private readonly disclosures: DisclosureService,
    private readonly audit: AuditService,
  ) {}

  async read(
    principal: Principal,
    type: string,
    id: string,
    query: FhirQuery,
    url: FhirRequestUrl,
  ): Promise<Resource> {
    const { def, client } = this.resolve(principal, type);
    checkFormat(query);
    for (const name of Object.keys(query)) {
      if (name !== '_format') throw new UnsupportedSearchParameterError(name);
    }
    const idType = def.idType ?? 'uuid';
    const wellFormed = idType === 'text' ? FHIR_ID.test(id) : isUuid(id);
    const rows: Row[] = wellFormed ? await this.repo.findById(def, client, id, idType) : [];
    const [row] = rows;
    if (!row) {
      await this.audit.recordNow(client, {
        action: 'fhir.read',
        outcome: 'denied',
        resourceType: def.type,
        resourceId: wellFormed ? id : null,
      });
      throw new NotFoundError(def.type);
    }
    const resource = def.toResource(row, {
      categories: row._categories ?? [],
      baseUrl: url.baseUrl,
    });
    await this.disclosures.record({
      actor: client,
      recipientId: client.id,
      action: 'fhir.read',
      resourceType: def.type,
      resourceId: row._key,
      disclosures: disclosuresOf([{ row, resource }]),
    });
    return resource;
  }

  async search(
    principal: Principal,
    type: string,
    query: FhirQuery,
    url: FhirRequestUrl,
  ): Promise<Bundle> {
    const { def, client } = this.resolve(principal, type);
    checkFormat(query);
    const count = countOf(query._count);
    const include = this.includeOf(def, client, query._include);
    const args = new SqlArgs();
    const predicates = predicatesOf(def, query, args);
    const canonical = canonicalQuery(query);
    const scope = {
      principal: client,
      list: `fhir:${def.type}?${canonical}`,
      key: 'text' as const,
    };
    const after = decodeCursor(single('_cursor', query._cursor), scope);
    const rows = await this.repo.findMatches(def, client, args, predicates, after?.key, count + 1);
    const hasMore = rows.length > count;
    const page = hasMore ? rows.slice(0, count) : rows;
    const context = (row: Row) => ({ categories: row._categories ?? [], baseUrl: url.baseUrl });
    const matches = page.map((row) => ({ row, resource: def.toResource(row, context(row)) }));
    const included = include ? await this.includedPatients(include, client, page, url) : [];
    await this.disclosures.record({
      actor: client,
      recipientId: client.id,
      action: 'fhir.search',
      resourceType: def.type,
      disclosures: disclosuresOf([...matches, ...included]),
    });
    const last = page[page.length - 1];
    const next =
      hasMore && last ? encodeCursor({ key: last._key, id: client.id }, scope) : undefined;
    return searchset({
      url: `${url.baseUrl}/fhir/${def.type}`,
      canonical,
      next,
      // A total only when it reveals nothing: the whole result is on this first page.
      total: !after && !hasMore ? matches.length : undefined,
      entries: [
        ...matches.map((m) => entry(url.baseUrl, m.resource, 'match')),
        ...included.map((m) => entry(url.baseUrl, m.resource, 'include')),
      ],
    });
  }

  // The definition of `type` and the API client asking; 404 for a type this server lacks, 403
  // for a caller without the type's scope.
  private resolve(
    principal: Principal,
    type: string,
  ): { def: FhirResourceDefinition; client: ApiClientPrincipal } {
    const def = fhirResource(type);
    if (!def) {
      throw new DomainError('ROUTE_NOT_FOUND', `The resource type ${type} is not supported.`);
    }
    if (principal.kind !== 'api_client' || !allows(principal, def.permission)) {
      throw new ForbiddenError(`Your scopes do not grant system/${def.type}.read.`);
    }
    return { def, client: principal };
  }

  // `_include=<Type>:patient` (a Patient definition to read with), or undefined.
  private includeOf(
    def: FhirResourceDefinition,
    client: ApiClientPrincipal,
    value: FhirQuery[string],
  ): FhirResourceDefinition | undefined {
    const include = single('_include', value);
    if (include === undefined) return undefined;
    const supported = [`${def.type}:patient`, `${def.type}:patient:Patient`];
    if (!def.includesPatient || !supported.includes(include)) {
      throw new UnsupportedSearchParameterError(`_include=${include}`);
    }
    const patient = fhirResource('Patient');
    // Without system/Patient.read the Patients are not included (never disclosed by the back door).
    return patient && allows(client, Permission.FhirPatientRead) ? patient : undefined;
  }

  private async includedPatients(
    patient: FhirResourceDefinition,
    client: ApiClientPrincipal,
    page: Row[],
    url: FhirRequestUrl,
  ): Promise<{ row: Row; resource: Resource }[]> {
    const ids = [...new Set(page.map((r) => r._clientId).filter((id): id is string => !!id))];
    if (ids.length === 0) return [];
    const rows = await this.repo.findPatients(patient, client, ids);
    return rows.map((row) => ({
      row,
      resource: patient.toResource(row, {
        categories: row._categories ?? [],
        baseUrl: url.baseUrl,
      }),
    }));
  }
}

function single(name: string, value: FhirQuery[string]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new InvalidSearchValueError(name, `${name} may be given once`);
  return value;
}

function countOf(value: FhirQuery[string]): number {
  const raw = single('_count', value);
  if (raw === undefined) return DEFAULT_COUNT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new InvalidSearchValueError(
      '_count',
      `_count must be an integer from 1 to ${MAX_PAGE_SIZE}`,
    );
  }
  return n;
}

function predicatesOf(def: FhirResourceDefinition, query: FhirQuery, args: SqlArgs): string[] {
  const params = searchParamsOf(def);
  const predicates: string[] = [];
  for (const [name, raw] of Object.entries(query)) {
    if (RESULT_PARAMS.has(name) || raw === undefined) continue;
    const param = params.find((p) => p.name === name);
    if (!param) throw new UnsupportedSearchParameterError(name);
    for (const value of [raw].flat()) {
      if (value === '') throw new InvalidSearchValueError(name, `${name} must not be empty`);
      predicates.push(param.where(value, args));
    }
  }
  return predicates;
}

// The search's parameters, sorted, without the cursor and format: what the cursor is bound to,
// and what a next link repeats.
function canonicalQuery(query: FhirQuery): string {
  const pairs: [string, string][] = [];
  for (const [name, raw] of Object.entries(query)) {
    if (name === '_cursor' || name === '_format' || raw === undefined) continue;
    for (const value of [raw].flat()) pairs.push([name, value]);
  }
  pairs.sort((a, b) => (a[0] === b[0] ? a[1].localeCompare(b[1]) : a[0].localeCompare(b[0])));
  return new URLSearchParams(pairs).toString();
}

// One disclosure per (client, consent): the resources of that client disclosed under it.
function disclosuresOf(items: { row: Row; resource: Resource }[]): Disclosure[] {
  const byKey = new Map<string, Disclosure>();
  for (const { row, resource } of items) {
    if (!row._clientId || !row._consentId) continue;
    const key = `${row._clientId}:${row._consentId}`;
    const d = byKey.get(key) ?? {
      clientId: row._clientId,
      consentId: row._consentId,
      purpose: row._purpose as DisclosurePurpose,
      resources: [],
    };
    d.resources.push({ type: resource.resourceType, id: resource.id ?? row._key });
    byKey.set(key, d);
  }
  return [...byKey.values()];
}

function entry(baseUrl: string, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return {
    fullUrl: `${baseUrl}/fhir/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode },
  };
}

function searchset(p: {
  url: string;
  canonical: string;
  next?: string;
  total?: number;
  entries: BundleEntry[];
}): Bundle {
  const self = p.canonical ? `${p.url}?${p.canonical}` : p.url;
  const link: BundleLink[] = [{ relation: 'self', url: self }];
  if (p.next) {
    const sep = p.canonical ? '&' : '?';
    link.push({ relation: 'next', url: `${self}${sep}_cursor=${encodeURIComponent(p.next)}` });
  }
  return {
    resourceType: 'Bundle',
    meta: part2Meta(new Date()),
    type: 'searchset',
    ...(p.total !== undefined ? { total: p.total } : {}),
    link,
    entry: p.entries,
  };
}
