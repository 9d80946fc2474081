// The catalogue: regions, zones, spec codes and PostgreSQL versions on sale. The data lives in the
// JSON files beside this one; this module only joins it with what is installed on this host.
import regionsData from './regions.json' with { type: 'json' };
import zonesData from './zones.json' with { type: 'json' };
import specsData from './specs.json' with { type: 'json' };
import versionsData from './versions.json' with { type: 'json' };
import type { Catalog, RegionEntry, SpecEntry, VersionEntry, ZoneEntry } from './types.ts';

export type { Catalog, RegionEntry, SpecEntry, VersionEntry, ZoneEntry } from './types.ts';
export { STORAGE_TYPES, DEFAULT_STORAGE_TYPE } from './types.ts';

export interface InstalledVersion {
  major: string; // "15"
  version: string; // "15.18" (a "15.18.0-beta.17" package version is cut to "15.18")
}

/** "15.18.0-beta.17" → "15.18"; "18.4" → "18.4". */
const minorVersion = (version: string): string => {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) throw new Error(`installed PostgreSQL version ${JSON.stringify(version)} is not a version number`);
  return m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}`;
};

const compareNumeric = (a: string, b: string): number => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * Builds the catalogue for this host. `versions` holds exactly the majors of versions.json whose
 * binaries are installed, one entry each, with DBVersion/DBKernelVersion taken from the installed
 * binary ("15.18" → DBVersion "15.18", DBKernelVersion "v15.18_r1.0"), ordered oldest major first.
 * Installed majors that versions.json does not list are not offered.
 */
export function loadCatalog(installed: ReadonlyArray<InstalledVersion>, opts: { tdeMissing?: string[]; hostCapacity?: Catalog['hostCapacity'] } = {}): Catalog {
  // Without a probe of the host (tests, tools) TDE is not offered.
  const tdeMissing = opts.tdeMissing ?? ['a probe of the host for its encryption layer'];
  const regions = structuredClone(regionsData) as RegionEntry[];
  const zones = structuredClone(zonesData) as ZoneEntry[];
  const specs = structuredClone(specsData) as SpecEntry[];
  const known = structuredClone(versionsData) as VersionEntry[];

  // Newest installed minor per major.
  const newest = new Map<string, string>();
  for (const iv of installed) {
    const v = minorVersion(iv.version);
    const prev = newest.get(iv.major);
    if (prev === undefined || compareNumeric(v, prev) > 0) newest.set(iv.major, v);
  }
  const versions: VersionEntry[] = known
    .filter((v) => newest.has(v.DBMajorVersion))
    .map((v) => {
      const DBVersion = newest.get(v.DBMajorVersion)!;
      const features = tdeMissing.length ? v.SupportedFeatureNames.filter((f) => f !== 'TDE') : [...new Set([...v.SupportedFeatureNames, 'TDE'])];
      return { ...v, DBVersion, DBKernelVersion: `v${DBVersion}_r1.0`, SupportedFeatureNames: features };
    })
    .sort((a, b) => compareNumeric(a.DBMajorVersion, b.DBMajorVersion));

  const regionByName = new Map(regions.map((r) => [r.Region, r]));
  const zoneByName = new Map(zones.map((z) => [z.Zone, z]));
  const specByCode = new Map(specs.map((s) => [s.SpecCode, s]));
  return {
    regions,
    zones,
    specs,
    versions,
    region: (name) => regionByName.get(name),
    zone: (name) => zoneByName.get(name),
    spec: (code) => specByCode.get(code),
    zonesOf: (region) => zones.filter((z) => z.Region === region),
    tdeMissing,
    hostCapacity: opts.hostCapacity,
  };
}
