// Checks of request values against the catalogue, shared by the Describe* actions and CreateInstances.
// Each returns the normalised value or throws an ApiError with the Tencent code:
// - unknown / unavailable region  → UnsupportedRegion (common code: "API does not support the requested region")
// - zone unknown or of another region → InvalidParameterValue.IllegalZone
// - StorageType outside the enum  → InvalidParameterValue
// - DBEngine mssql_compatible     → UnsupportedOperation (pgcloud runs PostgreSQL only); other values → InvalidParameterValue
import { ApiError } from '../errors.ts';
import { DEFAULT_STORAGE_TYPE, STORAGE_TYPES, type Catalog, type RegionEntry, type SpecEntry, type ZoneEntry } from './types.ts';

export type StorageType = (typeof STORAGE_TYPES)[number];
export type DBEngine = 'postgresql';

export function requireRegion(catalog: Catalog, region: string): RegionEntry {
  const r = catalog.region(region);
  if (!r || r.RegionState !== 'AVAILABLE') {
    const names = catalog.regions.filter((x) => x.RegionState === 'AVAILABLE').map((x) => x.Region);
    throw new ApiError(
      'UnsupportedRegion',
      `${region ? `Region ${region}` : 'An empty region'} is not supported by this API; supported regions: ${names.join(', ')}`,
    );
  }
  return r;
}

/** A zone of `region` (any ZoneState; callers that create check `ZoneState === 'AVAILABLE'` themselves). */
export function requireZone(catalog: Catalog, region: string, zone: string, field = 'Zone'): ZoneEntry {
  const z = catalog.zone(zone);
  if (!z || z.Region !== region) {
    const names = catalog.zonesOf(region).map((x) => x.Zone);
    throw new ApiError(
      'InvalidParameterValue.IllegalZone',
      `${field} ${zone || '""'} is not an availability zone of region ${region}; zones of ${region}: ${names.join(', ') || 'none'}`,
    );
  }
  return z;
}

/** StorageType, case-insensitive; absent or empty → PHYSICAL_LOCAL_SSD (the documented default). */
export function normaliseStorageType(value: string | undefined): StorageType {
  if (value === undefined || value.trim() === '') return DEFAULT_STORAGE_TYPE;
  const up = value.trim().toUpperCase();
  const hit = STORAGE_TYPES.find((t) => t === up);
  if (!hit) {
    throw new ApiError('InvalidParameterValue', `StorageType ${value} is invalid; valid values: ${STORAGE_TYPES.join(', ')}`);
  }
  return hit;
}

/** DBEngine, case-insensitive; absent or empty → postgresql. */
export function normaliseDBEngine(value: string | undefined): DBEngine {
  if (value === undefined || value.trim() === '') return 'postgresql';
  const low = value.trim().toLowerCase();
  if (low === 'postgresql') return 'postgresql';
  if (low === 'mssql_compatible') {
    throw new ApiError(
      'UnsupportedOperation',
      'DBEngine mssql_compatible (MSSQL compatible - TencentDB for PostgreSQL) is not supported by this service; use postgresql',
    );
  }
  throw new ApiError('InvalidParameterValue', `DBEngine ${value} is invalid; valid values: postgresql, mssql_compatible`);
}

/** Specs on sale for a storage type, in catalogue order. */
export const specsFor = (catalog: Catalog, storageType: StorageType): SpecEntry[] =>
  catalog.specs.filter((s) => s.StorageTypes.includes(storageType));

/** A zone sells new instances only when AVAILABLE (SELLOUT, SUPPORTMODIFYONLY and UNAVAILABLE do not). */
export const zoneSells = (zone: ZoneEntry): boolean => zone.ZoneState === 'AVAILABLE';
