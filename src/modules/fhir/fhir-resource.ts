import type { Resource } from '@medplum/fhirtypes';

import { DataCategory } from '../../auth/access/consent.sql';
import { Permission } from '../../auth/permissions';
import { SearchParamDefinition } from './fhir-search';

/** What a mapper knows besides its row: the consent's categories and where the server lives. */
export interface MapContext {
  /**
   * The categories of the consent the resource is disclosed under (a mapper withholds what they
   * do not cover, e.g. an Encounter's note text without `session-notes`); empty for a resource
   * that is no client's record (Practitioner).
   */
  categories: readonly DataCategory[];
  /** `https://host` of this request (no trailing slash), for absolute references if needed. */
  baseUrl: string;
}

/** A row as the framework reads it: the definition's columns plus the framework's own. */
export type FhirRow<Row> = Row & {
  /** The resource id (keyset and `Bundle.entry.fullUrl`). */
  _key: string;
  /** The client the row is about (client-bound types only). */
  _clientId: string | null;
  _consentId: string | null;
  _purpose: string | null;
  _categories: DataCategory[] | null;
};

/**
 * One FHIR resource type of the facade, in one place: the table it maps, which Part 2 category
 * governs it, its search parameters and its mapper. The routes, the search engine and the
 * CapabilityStatement all read these declarations (FHIR_RESOURCES), so what /metadata lists is
 * what works.
 *
 * SQL contract: `from` is a FROM clause that exposes the row under alias `r` and, for a
 * client-bound type, the client it is about under alias `c` (e.g.
 * `recovery_plan r JOIN client c ON c.id = r.client_id`; Patient: `client r JOIN client c ON c.id = r.id`
 * is not needed: `client c` with `id: 'c.id'` works too). The framework adds the organization,
 * the Part 2 consent (a LATERAL join on `c.id`), the search predicates, the keyset and the limit;
 * `columns` never read a table of their own per row (one statement per search, whatever its size).
 */
export interface FhirResourceDefinition<
  R extends Resource = Resource,
  Row = Record<string, unknown>,
> {
  type: R['resourceType'];
  /** The permission (from the SMART scope `system/<type>.read`) a caller needs. */
  permission: Permission;
  /** Short text for the CapabilityStatement. */
  documentation: string;
  from: string;
  /** The SELECT list (aliases quoted as the mapper's Row expects). */
  columns: string;
  /** The resource id expression (e.g. `r.id`): the keyset order. */
  id: string;
  /** Its SQL type: `uuid` (default; a read of another shape is a 404 at once) or `text`. */
  idType?: 'uuid' | 'text';
  /**
   * Client-bound types: the Part 2 categories under which the resource is visible (any one
   * suffices). `null`: a type that is no client's record (Practitioner), see `visible`.
   */
  categories: readonly DataCategory[] | null;
  /** An extra predicate always applied; `recipient` is the API client id placeholder. */
  where?: (recipient: string) => string;
  /** Types with `categories: null`: who may see the row (`recipient` and `org` placeholders). */
  visible?: (recipient: string, org: string) => string;
  /** The type's own search parameters (`_id` and, for client-bound types, `patient` are added). */
  searchParams: readonly SearchParamDefinition[];
  /** Supports `_include=<type>:patient` (the Patient the resource is about). */
  includesPatient?: boolean;
  toResource(row: FhirRow<Row>, context: MapContext): R;
}

/** Erases a definition's Row type for the registry (each mapper stays typed on its own). */
export const defineResource = <R extends Resource, Row>(
  definition: FhirResourceDefinition<R, Row>,
): FhirResourceDefinition => definition as unknown as FhirResourceDefinition;
