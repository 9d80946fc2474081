// DescribeProductConfig (deprecated upstream in favour of DescribeClasses, still used by Terraform to map
// cpu/memory to a SpecCode): for each zone of the region, or only the requested one, every spec × version on sale.
import { defineAction } from '../../../core/action.ts';
import { creatableVersions } from '../../../core/catalog/versions.ts';
import { normaliseDBEngine, normaliseStorageType, requireRegion, requireZone, specsFor, zoneSells } from '../../../core/catalog/rules.ts';

interface Req {
  Zone?: string;
  DBEngine?: string;
  StorageType?: string;
}

interface SpecItemInfo {
  SpecCode: string;
  Version: string;
  VersionName: string;
  Cpu: number;
  Memory: number;
  MaxStorage: number;
  MinStorage: number;
  Qps: number;
  Pid: number;
  Type: string;
  MajorVersion: string;
  KernelVersion: string;
  IsSupportTDE: number;
}

interface SpecInfo {
  Region: string;
  Zone: string;
  SpecItemInfoList: SpecItemInfo[];
  SupportKMSRegions: string[];
}

const DEFAULT_PID = 11004;

export default defineAction<Req, { SpecInfoList: SpecInfo[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeProductConfig',
  regionRequired: true,
  request: {
    Zone: { type: 'string', description: 'AZ name; all AZs of the region when absent.' },
    DBEngine: { type: 'string', description: 'Database engine: postgresql (default; mssql_compatible is not supported here).' },
    StorageType: {
      type: 'string',
      description: 'Instance storage type: PHYSICAL_LOCAL_SSD (default), CLOUD_PREMIUM, CLOUD_SSD or CLOUD_HSSD; the versions and specs supporting it are returned.',
    },
  },
  async handle(ctx, req) {
    requireRegion(ctx.catalog, ctx.region);
    const zones =
      req.Zone !== undefined && req.Zone !== ''
        ? [requireZone(ctx.catalog, ctx.region, req.Zone)]
        : ctx.catalog.zonesOf(ctx.region).filter(zoneSells);
    normaliseDBEngine(req.DBEngine);
    const storageType = normaliseStorageType(req.StorageType);
    const specs = specsFor(ctx.catalog, storageType);
    const versions = creatableVersions(ctx.catalog);
    // TDE where the host has its encryption layer (probed once at start); any region's KMS may wrap the key.
    const tde = ctx.catalog.tdeMissing.length === 0;
    const kmsRegions = tde ? ctx.catalog.regions.filter((r) => r.RegionState === 'AVAILABLE').map((r) => r.Region) : [];
    const items = (): SpecItemInfo[] =>
      specs.flatMap((s) =>
        versions.map((v) => ({
          SpecCode: s.SpecCode,
          Version: v.DBVersion,
          VersionName: `PostgreSQL ${v.DBVersion}`,
          Cpu: s.CPU,
          Memory: s.Memory,
          MaxStorage: s.MaxStorage,
          MinStorage: s.MinStorage,
          Qps: s.QPS,
          Pid: s.Pid ?? DEFAULT_PID,
          Type: s.Type,
          MajorVersion: v.DBMajorVersion,
          KernelVersion: v.DBKernelVersion,
          IsSupportTDE: tde ? 1 : 0,
        })),
      );
    return {
      SpecInfoList: zones.map((z) => ({
        Region: z.Region,
        Zone: z.Zone,
        // A zone that does not sell (SELLOUT, ...) lists nothing.
        SpecItemInfoList: zoneSells(z) ? items() : [],
        SupportKMSRegions: [...kmsRegions],
      })),
    };
  },
});
