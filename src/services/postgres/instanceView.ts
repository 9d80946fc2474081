// The DBInstance model of the API, built from a stored instance row. Field names and shapes are
// exactly the reference's (§5.2); DBInstanceNetInfo always has the two entries Terraform expects.
import type { InstanceRow } from '../../store/instances.ts';
import type { Account } from '../../core/action.ts';
import { formatApiTime, ZERO_TIME } from '../../core/time.ts';
import { IPV6_LOOPBACK } from '../../core/host.ts';
import type { TagPair } from '../../core/tags.ts';

/**
 * tags: the instance's TagList, from the store's resource tags (src/store/tags.ts); readOnlyNum: how
 * many read-only instances a master has (src/store/readonly.ts readOnlyCounts).
 */
export function dbInstanceView(row: InstanceRow, account: Account, tags: TagPair[], readOnlyNum = 0): Record<string, unknown> {
  const nodes = JSON.parse(row.node_set) as Array<{ Role: string; Zone: string; DedicatedClusterId?: string }>;
  const hasAddress = Boolean(row.host);
  return {
    Region: row.region,
    Zone: row.zone,
    VpcId: row.vpc_id,
    SubnetId: row.subnet_id,
    DBInstanceId: row.id,
    DBInstanceName: row.name,
    DBInstanceStatus: row.status,
    DBInstanceMemory: Math.round(row.memory_mb / 1024),
    DBInstanceStorage: row.storage_gb,
    DBInstanceCpu: row.cpu,
    DBInstanceClass: row.spec_code,
    DBMajorVersion: row.db_major_version,
    DBVersion: row.db_version,
    DBKernelVersion: row.db_kernel_version,
    DBInstanceType: row.master_id ? 'readonly' : 'primary',
    DBInstanceVersion: 'standard',
    DBCharset: row.charset,
    CreateTime: formatApiTime(row.created_at),
    UpdateTime: formatApiTime(row.updated_at),
    ExpireTime: formatApiTime(row.expire_time),
    IsolatedTime: formatApiTime(row.isolated_time),
    PayType: row.charge_type === 'PREPAID' ? 'prepaid' : 'postpaid',
    AutoRenew: row.auto_renew,
    DBInstanceNetInfo: [
      {
        Address: '',
        Ip: hasAddress ? row.host : '',
        Port: hasAddress ? row.port : 0,
        NetType: 'private',
        ProtocolType: 'postgresql',
        Status: hasAddress ? 'opened' : 'initing',
        VpcId: row.vpc_id,
        SubnetId: row.subnet_id,
      },
      { Address: '', Ip: '', Port: 0, NetType: 'public', ProtocolType: '', Status: 'initing', VpcId: '', SubnetId: '' },
    ],
    Type: 'normal',
    AppId: account.appId,
    Uid: Number(account.uin.slice(-6)),
    ProjectId: row.project_id,
    TagList: tags,
    MasterDBInstanceId: row.master_id ?? '',
    ReadOnlyInstanceNum: row.master_id ? 0 : readOnlyNum,
    StatusInReadonlyGroup: statusInGroup(row),
    OfflineTime: ZERO_TIME,
    DBNodeSet: nodes.map((n) => ({ Role: n.Role, Zone: n.Zone, DedicatedClusterId: n.DedicatedClusterId ?? '' })),
    IsSupportTDE: row.tde === 1 ? 1 : 0,
    DBEngine: row.db_engine,
    DBEngineConfig: '',
    // Addresses: DBInstanceNetInfo's private Ip is the address a client on this host really connects
    // to (the instance's own loopback address, 127.48.x.y); NetworkAccessList's Vip is the instance's
    // address in its subnet's address book (allocated from the subnet's CIDR, like the real service's
    // VPC IP), which identifies it in the VPC but is not routed on this host. Vip6 (NeedSupportIpv6) is the
    // host's IPv6 loopback address ::1, where the server listens at Vport (its port, chosen free on ::1 too):
    // connectable as reported, once the instance has its address.
    NetworkAccessList: row.vpc_ip
      ? [{ ResourceId: row.id, ResourceType: 1, VpcId: row.vpc_id, Vip: row.vpc_ip, Vip6: row.ipv6 === 1 && hasAddress ? IPV6_LOOPBACK : '', Vport: row.port ?? 5432, SubnetId: row.subnet_id, VpcStatus: hasAddress ? 2 : 1 }]
      : null,
    SupportIpv6: row.ipv6 === 1 ? 1 : 0,
    ExpandedCpu: 0,
    DeletionProtection: row.deletion_protection === 1,
    DBInstanceStorageType: row.storage_type,
  };
}

/**
 * A read-only instance's state in its read-only group: '' outside a group; 'ok' while it is in the
 * group's spread. The vendor documents no values; 'ok' is the ReadOnlyGroup Status word of a group that serves.
 */
function statusInGroup(row: InstanceRow): string {
  return row.master_id && row.ro_group_id ? 'ok' : '';
}
