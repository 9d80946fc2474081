// DescribeZones: the availability zones of the request's region.
import { defineAction } from '../../../core/action.ts';
import { hasIpv6Loopback } from '../../../core/host.ts';
import { normaliseStorageType, requireRegion } from '../../../core/catalog/rules.ts';

interface Req {
  StorageType?: string;
}

interface ZoneInfo {
  Zone: string;
  ZoneName: string;
  ZoneId: number;
  ZoneState: string;
  ZoneSupportIpv6: number;
  StandbyZoneSet: string[];
}

export default defineAction<Req, { TotalCount: number; ZoneSet: ZoneInfo[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeZones',
  regionRequired: true,
  request: {
    StorageType: {
      type: 'string',
      description: 'Instance storage type: PHYSICAL_LOCAL_SSD (default), CLOUD_PREMIUM, CLOUD_SSD or CLOUD_HSSD; the AZs supporting it are returned.',
    },
  },
  async handle(ctx, req) {
    requireRegion(ctx.catalog, ctx.region);
    // Every zone offers every storage type here, so the value is only checked.
    normaliseStorageType(req.StorageType);
    const ZoneSet = ctx.catalog.zonesOf(ctx.region).map((z) => ({
      Zone: z.Zone,
      ZoneName: z.ZoneName,
      ZoneId: z.ZoneId,
      ZoneState: z.ZoneState,
      // The catalogue's word, and only where this host has an IPv6 loopback address to listen on.
      ZoneSupportIpv6: z.ZoneSupportIpv6 === 1 && hasIpv6Loopback() ? 1 : 0,
      StandbyZoneSet: [...z.StandbyZoneSet],
    }));
    return { TotalCount: ZoneSet.length, ZoneSet };
  },
});
