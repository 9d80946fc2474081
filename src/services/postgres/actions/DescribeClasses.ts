// DescribeClasses: the spec codes on sale in a zone for an engine, major version and storage type.
import { defineAction } from '../../../core/action.ts';
import { normaliseDBEngine, normaliseStorageType, requireRegion, requireZone, specsFor, zoneSells } from '../../../core/catalog/rules.ts';
import { requireMajor } from '../../../core/catalog/versions.ts';

interface Req {
  Zone: string;
  DBEngine: string;
  DBMajorVersion: string;
  StorageType?: string;
}

interface ClassInfo {
  SpecCode: string;
  CPU: number;
  Memory: number;
  MaxStorage: number;
  MinStorage: number;
  QPS: number;
}

export default defineAction<Req, { ClassInfoSet: ClassInfo[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeClasses',
  regionRequired: true,
  request: {
    Zone: { type: 'string', required: true, description: 'AZ ID, which can be obtained through the DescribeZones API.' },
    DBEngine: { type: 'string', required: true, description: 'Database engine: postgresql (mssql_compatible is not supported here).' },
    DBMajorVersion: { type: 'string', required: true, description: 'Major version of a database, such as 12 or 13, from DescribeDBVersions.' },
    StorageType: {
      type: 'string',
      description: 'Instance storage type: PHYSICAL_LOCAL_SSD (default), CLOUD_PREMIUM, CLOUD_SSD or CLOUD_HSSD; the specs supporting it are returned.',
    },
  },
  async handle(ctx, req) {
    requireRegion(ctx.catalog, ctx.region);
    const zone = requireZone(ctx.catalog, ctx.region, req.Zone);
    normaliseDBEngine(req.DBEngine);
    requireMajor(ctx.catalog, req.DBMajorVersion);
    const storageType = normaliseStorageType(req.StorageType);
    // A zone that does not sell (SELLOUT, ...) has no classes on sale.
    const specs = zoneSells(zone) ? specsFor(ctx.catalog, storageType) : [];
    return {
      ClassInfoSet: specs.map((s) => ({
        SpecCode: s.SpecCode,
        CPU: s.CPU,
        Memory: s.Memory,
        MaxStorage: s.MaxStorage,
        MinStorage: s.MinStorage,
        QPS: s.QPS,
      })),
    };
  },
});
