// DescribeDBVersions: the PostgreSQL versions on sale, i.e. those whose binaries are installed.
import { defineAction } from '../../../core/action.ts';
import { normaliseStorageType } from '../../../core/catalog/rules.ts';

interface Req {
  StorageType?: string;
}

interface Version {
  DBEngine: string;
  DBVersion: string;
  DBMajorVersion: string;
  DBKernelVersion: string;
  SupportedFeatureNames: string[];
  Status: string;
  AvailableUpgradeTarget: string[];
}

export default defineAction<Req, { VersionSet: Version[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBVersions',
  regionRequired: true,
  request: {
    StorageType: {
      type: 'string',
      description: 'Instance storage type: PHYSICAL_LOCAL_SSD (default), CLOUD_PREMIUM, CLOUD_SSD or CLOUD_HSSD; the versions supporting it are returned.',
    },
  },
  async handle(ctx, req) {
    // Every version supports every storage type here, so the value is only checked.
    normaliseStorageType(req.StorageType);
    return {
      VersionSet: ctx.catalog.versions.map((v) => ({
        DBEngine: v.DBEngine,
        DBVersion: v.DBVersion,
        DBMajorVersion: v.DBMajorVersion,
        DBKernelVersion: v.DBKernelVersion,
        SupportedFeatureNames: [...v.SupportedFeatureNames],
        Status: v.Status,
        AvailableUpgradeTarget: [...v.AvailableUpgradeTarget],
      })),
    };
  },
});
