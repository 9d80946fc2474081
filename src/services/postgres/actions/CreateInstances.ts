// CreateInstances: the order of new instances (see ../purchase.ts); the reconciler makes them real.
import { defineAction } from '../../../core/action.ts';
import { orderInstances, type PurchaseRequest } from '../purchase.ts';

export default defineAction<PurchaseRequest, { DealNames: string[]; BillId: string; DBInstanceIdSet: string[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateInstances',
  request: {
    SpecCode: { type: 'string', required: true, description: 'Purchasable specification code (DescribeClasses SpecCode).' },
    Storage: { type: 'integer', required: true, description: 'Disk capacity in GB, step 10.' },
    InstanceCount: { type: 'integer', required: true, description: 'Number of instances, 1 to 10.' },
    Period: { type: 'integer', required: true, description: 'Months: prepaid 1-12, 24, 36; postpaid only 1.' },
    Charset: { type: 'string', required: true, description: 'UTF8 or LATIN1.' },
    AdminName: { type: 'string', required: true, description: 'Root account name.' },
    AdminPassword: { type: 'string', required: true, description: 'Root account password, 8-32 characters of four classes.' },
    Zone: { type: 'string', required: true, description: 'Primary availability zone, e.g. ap-guangzhou-3.' },
    DBMajorVersion: { type: 'string', description: 'PostgreSQL major version; the newest kernel of it is used.' },
    DBVersion: { type: 'string', description: 'Major + minor version; only the newest minor of its major.' },
    DBKernelVersion: { type: 'string', description: 'Kernel version; only the newest of its major.' },
    InstanceChargeType: { type: 'string', description: 'PREPAID (default) or POSTPAID_BY_HOUR.' },
    VpcId: { type: 'string', description: 'VPC ID; the default VPC of the region when omitted.' },
    SubnetId: { type: 'string', description: 'Subnet ID; the default subnet of the zone when omitted.' },
    DBNodeSet: {
      type: { array: { object: { Role: { type: 'string', required: true, description: 'Primary or Standby.' }, Zone: { type: 'string', required: true, description: 'Zone of the node.' }, DedicatedClusterId: { type: 'string', description: 'CDC ID.' } } } },
      description: 'Node deployment information.',
    },
    AutoRenewFlag: { type: 'integer', description: '0 manual renewal, 1 auto renewal.' },
    AutoVoucher: { type: 'integer', description: '0 or 1.' },
    VoucherIds: { type: { array: 'string' }, description: 'Voucher IDs (one at most).' },
    ProjectId: { type: 'integer', description: 'Project ID, default 0.' },
    ActivityId: { type: 'integer', description: 'Activity ID.' },
    Name: { type: 'string', description: 'Instance name.' },
    TagList: {
      type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Tag key.' }, TagValue: { type: 'string', required: true, description: 'Tag value.' } } } },
      description: 'Tags bound to the instance.',
    },
    SecurityGroupIds: { type: { array: 'string' }, description: 'Security groups.' },
    NeedSupportTDE: { type: 'integer', description: 'Transparent data encryption, 0 or 1.' },
    KMSKeyId: { type: 'string', description: 'KMS key for TDE.' },
    KMSRegion: { type: 'string', description: 'KMS region for TDE.' },
    KMSClusterId: { type: 'string', description: 'KMS cluster for TDE.' },
    DBEngine: { type: 'string', description: 'postgresql (default) or mssql_compatible.' },
    DBEngineConfig: { type: 'string', description: 'Engine configuration (mssql_compatible only).' },
    SyncMode: { type: 'string', description: 'Semi-sync or Async.' },
    NeedSupportIpv6: { type: 'integer', description: '0 or 1.' },
    DeletionProtection: { type: 'boolean', description: 'Deletion protection.' },
    StorageType: { type: 'string', description: 'PHYSICAL_LOCAL_SSD, CLOUD_PREMIUM, CLOUD_SSD or CLOUD_HSSD.' },
  },

  handle(ctx, req) {
    return orderInstances(ctx, req);
  },
});
