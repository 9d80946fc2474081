// Shapes of the catalogue. The data itself lives in JSON files beside this one.
import type { HostCapacity } from '../host.ts';

export interface RegionEntry {
  Region: string; // "ap-guangzhou"
  RegionName: string;
  RegionId: number;
  RegionState: 'AVAILABLE' | 'UNAVAILABLE';
  SupportInternational: number;
  /** Chinese region name, e.g. "华南地区(广州)" (not on the wire of DescribeRegions' RegionInfo). */
  RegionNameZh?: string;
}

export interface ZoneEntry {
  Region: string;
  Zone: string; // "ap-guangzhou-3"
  ZoneName: string; // Chinese, as the service answers by default: "广州三区"
  /** English zone name, e.g. "Guangzhou Zone 3" (not on the wire). */
  ZoneNameEn?: string;
  ZoneId: number;
  ZoneState: 'AVAILABLE' | 'UNAVAILABLE' | 'SELLOUT' | 'SUPPORTMODIFYONLY';
  ZoneSupportIpv6: number;
  StandbyZoneSet: string[];
}

export interface SpecEntry {
  SpecCode: string; // "cdb.pg.z1.2g"
  CPU: number;
  Memory: number; // MB
  MinStorage: number; // GB
  MaxStorage: number; // GB
  QPS: number;
  StorageTypes: string[]; // PHYSICAL_LOCAL_SSD, CLOUD_PREMIUM, CLOUD_SSD, CLOUD_HSSD
  Type: string; // machine type shown as SpecItemInfo.Type / DBInstance.Type
  /** Billing product id reported as SpecItemInfo.Pid (disused by the real service, kept stable). */
  Pid?: number;
}

export interface VersionEntry {
  DBEngine: 'postgresql';
  DBVersion: string; // "15.18"
  DBMajorVersion: string; // "15"
  DBKernelVersion: string; // "v15.18_r1.0"
  SupportedFeatureNames: string[];
  Status: 'AVAILABLE' | 'UPGRADE_ONLY' | 'DEPRECATED';
  AvailableUpgradeTarget: string[];
}

export interface Catalog {
  regions: RegionEntry[];
  zones: ZoneEntry[];
  specs: SpecEntry[];
  /** Exactly the versions whose PostgreSQL binaries are installed on this host, newest major last. */
  versions: VersionEntry[];
  region(name: string): RegionEntry | undefined;
  zone(name: string): ZoneEntry | undefined;
  spec(code: string): SpecEntry | undefined;
  zonesOf(region: string): ZoneEntry[];
  /**
   * Transparent data encryption on this host: what its encryption layer lacks (empty: TDE is offered,
   * DescribeDBVersions lists the "TDE" feature and DescribeProductConfig IsSupportTDE is 1).
   */
  tdeMissing: string[];
  /** What the host can still hold for a new instance of a major (undefined: not measured, e.g. tools and tests). */
  hostCapacity?(major: string): Promise<HostCapacity>;
}

export const STORAGE_TYPES = ['PHYSICAL_LOCAL_SSD', 'CLOUD_PREMIUM', 'CLOUD_SSD', 'CLOUD_HSSD'] as const;
export const DEFAULT_STORAGE_TYPE = 'PHYSICAL_LOCAL_SSD';
