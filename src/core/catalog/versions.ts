// Which PostgreSQL version a request names. Rules (CreateInstances, DescribeClasses):
// - DBMajorVersion "15" picks the newest kernel of the newest minor of major 15;
// - DBVersion "15.18" and DBKernelVersion "v15.18_r1.0" are accepted only when they name the newest
//   minor / kernel of their major (older ones cannot be created, as the reference says);
// - when several are given they must name the same version;
// - a version that is not installed here is InvalidParameterValue, with the available ones listed.
import { ApiError } from '../errors.ts';
import type { Catalog, VersionEntry } from './types.ts';

export interface VersionRequest {
  DBMajorVersion?: string;
  DBVersion?: string;
  DBKernelVersion?: string;
}

const cmp = (a: string, b: string): number => {
  const pa = a.match(/\d+/g)?.map(Number) ?? [];
  const pb = b.match(/\d+/g)?.map(Number) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

/** Versions a new instance can be created with (Status AVAILABLE). */
export const creatableVersions = (catalog: Pick<Catalog, 'versions'>): VersionEntry[] =>
  catalog.versions.filter((v) => v.Status === 'AVAILABLE');

/** The newest creatable version of a major, or undefined when that major is not offered. */
export function newestOfMajor(catalog: Pick<Catalog, 'versions'>, major: string): VersionEntry | undefined {
  let best: VersionEntry | undefined;
  for (const v of creatableVersions(catalog)) {
    if (v.DBMajorVersion !== major) continue;
    if (!best || cmp(v.DBVersion, best.DBVersion) > 0 || (cmp(v.DBVersion, best.DBVersion) === 0 && cmp(v.DBKernelVersion, best.DBKernelVersion) > 0)) best = v;
  }
  return best;
}

/** "10.23 (v10.23_r1.0), 11.22 (v11.22_r1.0), …" — or "none" when nothing is installed. */
export function availableVersionsText(catalog: Pick<Catalog, 'versions'>): string {
  const list = creatableVersions(catalog).map((v) => `${v.DBVersion} (${v.DBKernelVersion})`);
  return list.length ? list.join(', ') : 'none';
}

const availableMajorsText = (catalog: Pick<Catalog, 'versions'>): string => {
  const majors = [...new Set(creatableVersions(catalog).map((v) => v.DBMajorVersion))];
  return majors.length ? majors.join(', ') : 'none';
};

const given = (s: string | undefined): s is string => typeof s === 'string' && s.trim() !== '';

/** The version of an installed major (DescribeClasses' DBMajorVersion); InvalidParameterValue otherwise. */
export function requireMajor(catalog: Pick<Catalog, 'versions'>, major: string, field = 'DBMajorVersion'): VersionEntry {
  const v = newestOfMajor(catalog, major.trim());
  if (!v) {
    throw new ApiError(
      'InvalidParameterValue',
      `${field} ${major} is not available; available major versions: ${availableMajorsText(catalog)}`,
    );
  }
  return v;
}

/**
 * Resolves DBMajorVersion / DBVersion / DBKernelVersion to one catalogue version.
 *
 * None given: the reference documents DBMajorVersion as "currently required" although the typings
 * mark it optional, so the request is well-formed but its value set is unusable. We answer
 * InvalidParameterValue (not MissingParameter, which the gateway uses for schema-required fields)
 * with a message naming the three parameters and the available versions. Empty strings count as
 * not given.
 */
export function resolveVersion(catalog: Pick<Catalog, 'versions'>, req: VersionRequest): VersionEntry {
  const picks: Array<{ field: string; value: string; entry: VersionEntry }> = [];

  if (given(req.DBMajorVersion)) {
    const value = req.DBMajorVersion.trim();
    picks.push({ field: 'DBMajorVersion', value, entry: requireMajor(catalog, value) });
  }

  if (given(req.DBVersion)) {
    const value = req.DBVersion.trim();
    const match = catalog.versions.find((v) => v.DBVersion === value);
    if (!match) {
      throw new ApiError('InvalidParameterValue', `DBVersion ${value} is not available; available versions: ${availableVersionsText(catalog)}`);
    }
    const newest = newestOfMajor(catalog, match.DBMajorVersion);
    if (!newest || newest.DBVersion !== match.DBVersion) {
      throw new ApiError(
        'InvalidParameterValue',
        `DBVersion ${value} cannot be created: only the newest minor version of major ${match.DBMajorVersion} can be (${newest ? newest.DBVersion : 'none'}); available versions: ${availableVersionsText(catalog)}`,
      );
    }
    picks.push({ field: 'DBVersion', value, entry: newest });
  }

  if (given(req.DBKernelVersion)) {
    const value = req.DBKernelVersion.trim();
    const match = catalog.versions.find((v) => v.DBKernelVersion === value);
    if (!match) {
      throw new ApiError(
        'InvalidParameterValue',
        `DBKernelVersion ${value} is not available; available versions: ${availableVersionsText(catalog)}`,
      );
    }
    const newest = newestOfMajor(catalog, match.DBMajorVersion);
    if (!newest || newest.DBKernelVersion !== match.DBKernelVersion) {
      throw new ApiError(
        'InvalidParameterValue',
        `DBKernelVersion ${value} cannot be created: only the newest kernel version of major ${match.DBMajorVersion} can be (${newest ? newest.DBKernelVersion : 'none'}); available versions: ${availableVersionsText(catalog)}`,
      );
    }
    picks.push({ field: 'DBKernelVersion', value, entry: newest });
  }

  if (picks.length === 0) {
    throw new ApiError(
      'InvalidParameterValue',
      `One of DBMajorVersion, DBVersion or DBKernelVersion is required (DBMajorVersion recommended); available versions: ${availableVersionsText(catalog)}`,
    );
  }
  const first = picks[0]!;
  for (const p of picks.slice(1)) {
    if (p.entry !== first.entry) {
      throw new ApiError(
        'InvalidParameterValue',
        `${first.field} ${first.value} and ${p.field} ${p.value} name different versions; give one of them, or values of the same version (e.g. DBMajorVersion ${first.entry.DBMajorVersion}, DBVersion ${first.entry.DBVersion}, DBKernelVersion ${first.entry.DBKernelVersion})`,
      );
    }
  }
  return first.entry;
}
