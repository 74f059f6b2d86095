import { ResourceResponse } from './dto/resource.dto';
import { openNowSql, OpeningPeriod } from './weekly-hours';

export interface ResourceRow {
  id: string;
  name: string;
  categories: string[];
  description: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  serviceArea: string | null;
  hours: OpeningPeriod[];
  phone: string | null;
  url: string | null;
  eligibility: string | null;
  languages: string[];
  active: boolean;
  openNow: boolean;
  distanceKm: number | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string;
}

/** The organization's time zone (settings `timeZone`, default UTC), for org parameter `org`. */
export const orgTimeZoneSql = (org: string): string =>
  `(SELECT COALESCE(o.settings->>'timeZone', 'UTC') FROM organization o WHERE o.id = ${org})`;

/** The columns of a resource of alias `r`; `org` is the organization's parameter. */
export const resourceColumns = (org: string, distance = 'NULL::float8'): string =>
  [
    'r.id',
    'r.name',
    'r.categories',
    'r.description',
    'r.address',
    'r.latitude',
    'r.longitude',
    'r.service_area AS "serviceArea"',
    'r.hours',
    'r.phone',
    'r.url',
    'r.eligibility',
    'r.languages',
    'r.active',
    `${openNowSql('r', 'now()', orgTimeZoneSql(org))} AS "openNow"`,
    `${distance} AS "distanceKm"`,
    'r.version',
    'r.created_at AS "createdAt"',
    'r.updated_at AS "updatedAt"',
  ].join(', ');

const EARTH_RADIUS_KM = 6371.0088;
const KM_PER_DEGREE = 111.045;

/** Great-circle distance (haversine) in km from the point ($lat, $lon) to resource `r`. */
export const haversineSql = (lat: string, lon: string): string =>
  `${EARTH_RADIUS_KM} * 2 * asin(least(1, sqrt(power(sin(radians(r.latitude - ${lat}) / 2), 2)
    + cos(radians(${lat})) * cos(radians(r.latitude)) * power(sin(radians(r.longitude - ${lon}) / 2), 2))))`;

/**
 * The latitude/longitude box around a point that holds every point within `radiusKm`: a cheap,
 * index-friendly prefilter before the exact haversine. Near a pole or across the antimeridian the
 * longitude bound is dropped (the box would wrap).
 */
export function boundingBox(
  lat: number,
  lon: number,
  radiusKm: number,
): { minLat: number; maxLat: number; minLon: number | null; maxLon: number | null } {
  const dLat = radiusKm / KM_PER_DEGREE;
  const minLat = lat - dLat;
  const maxLat = lat + dLat;
  if (maxLat >= 90 || minLat <= -90) return { minLat, maxLat, minLon: null, maxLon: null };
  const dLon =
    radiusKm /
    (KM_PER_DEGREE * Math.cos((Math.max(Math.abs(minLat), Math.abs(maxLat)) * Math.PI) / 180));
  if (lon - dLon < -180 || lon + dLon > 180) return { minLat, maxLat, minLon: null, maxLon: null };
  return { minLat, maxLat, minLon: lon - dLon, maxLon: lon + dLon };
}

export const toResourceResponse = (r: ResourceRow): ResourceResponse => ({
  id: r.id,
  name: r.name,
  categories: r.categories,
  description: r.description,
  address: r.address,
  latitude: r.latitude,
  longitude: r.longitude,
  serviceArea: r.serviceArea,
  hours: r.hours,
  phone: r.phone,
  url: r.url,
  eligibility: r.eligibility,
  languages: r.languages,
  active: r.active,
  openNow: r.openNow,
  distanceKm: r.distanceKm === null ? null : Math.round(r.distanceKm * 1000) / 1000,
  version: r.version,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
