// Ordering instances: what CreateInstances does (and CloneDBInstance, for a new instance restored from
// a backup): validates the request against the seed's rules, then records, in one store transaction,
// one order per instance, the instances in status "applying" and the payment (prepaid: the months
// bought are debited; postpaid: one hour is frozen). The reconciler makes them real; this never
// touches PostgreSQL.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { newBillId, newInstanceId } from '../../core/ids.ts';
import { scramVerifier } from '../../core/scram.ts';
import { resolveVersion } from '../../core/catalog/versions.ts';
import { DEFAULT_STORAGE_TYPE, STORAGE_TYPES } from '../../core/catalog/types.ts';
import { CURRENCY, hourlyPrice, monthlyPrice, orderPrice } from '../../core/billing/pricing.ts';
import { addMonths } from '../../core/billing/period.ts';
import { INVALID_VOUCHER } from '../../core/billing/vouchers.ts';
import { insertInstanceBilling } from '../../store/billing.ts';
import { activityPercentOff, applyActivity, chargeOrders, freezeHours, pickVoucher } from './billing.ts';
import { insertOrdersWithInstances, nextDealNames, nextFlowId } from '../../store/instances.ts';
import { changeResourceTags } from '../../store/tags.ts';
import { checkTagList, instanceResource } from './tags.ts';
import { ensureDefaultPlans } from '../../store/backupPlans.ts';
import { ensureDefaultNetwork, findSubnet, findVpc } from '../../store/networks.ts';
import { projectExists } from '../../store/projects.ts';
import { hasIpv6Loopback } from '../../core/host.ts';
import { attachNetwork, checkSecurityGroupIds } from './network.ts';
import { checkHostCapacity } from './capacity.ts';
import { ensureServiceKey, findKey, newWrappedDataKey, boxFor, type KmsKeyRow } from '../../store/kms.ts';
import { HA_DEFAULTS, nodeSetOf, type HaState, type SyncMode } from '../../store/ha.ts';
import { checkAccountName, checkFlag, checkInstanceName, checkPassword, checkPeriod, checkStorage, parseChargeType } from './rules.ts';

export interface DBNode {
  Role: string;
  Zone: string;
  DedicatedClusterId?: string;
}

export interface PurchaseRequest {
  SpecCode: string;
  Storage: number;
  InstanceCount: number;
  Period: number;
  Charset: string;
  AdminName: string;
  AdminPassword: string;
  Zone: string;
  DBMajorVersion?: string;
  DBVersion?: string;
  DBKernelVersion?: string;
  InstanceChargeType?: string;
  VpcId?: string;
  SubnetId?: string;
  DBNodeSet?: DBNode[];
  AutoRenewFlag?: number;
  AutoVoucher?: number;
  VoucherIds?: string[];
  ProjectId?: number;
  ActivityId?: number;
  Name?: string;
  TagList?: Array<{ TagKey: string; TagValue: string }>;
  SecurityGroupIds?: string[];
  NeedSupportTDE?: number;
  KMSKeyId?: string;
  KMSRegion?: string;
  KMSClusterId?: string;
  DBEngine?: string;
  DBEngineConfig?: string;
  SyncMode?: string;
  NeedSupportIpv6?: number;
  DeletionProtection?: boolean;
  StorageType?: string;
}

/** What a clone adds to an order: the source's admin account, and the backup it is restored from. */
export interface CloneOrder {
  adminVerifier: string;
  restore: { source: string; backup: string; target: string | null };
}

const unsupported = (what: string) =>
  new ApiError('UnsupportedOperation', `${what} is not supported by pgcloud yet; leave it out of the request.`);

export async function orderInstances(ctx: ActionContext, req: PurchaseRequest, clone?: CloneOrder): Promise<{ DealNames: string[]; BillId: string; DBInstanceIdSet: string[] }> {
    const { catalog } = ctx;

    // Where: region and zone.
    const zone = catalog.zone(req.Zone);
    if (!zone) throw new ApiError('InvalidParameterValue.InvalidZoneIdError', `Zone "${req.Zone}" does not exist; see DescribeZones.`);
    if (zone.Region !== ctx.region)
      throw new ApiError('InvalidParameterValue.IllegalRegion', `Zone ${req.Zone} is not in region ${ctx.region || '(none)'}; send the request to region ${zone.Region}.`);
    if (zone.ZoneState !== 'AVAILABLE') throw new ApiError('InvalidParameterValue.IllegalZone', `Zone ${req.Zone} is ${zone.ZoneState} and cannot be purchased in.`);

    // What: engine, version, spec, storage.
    const engine = req.DBEngine ?? 'postgresql';
    if (engine === 'mssql_compatible') throw unsupported('DBEngine mssql_compatible');
    if (engine !== 'postgresql') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBEngine "${engine}" is invalid; valid values: postgresql, mssql_compatible.`);
    if (req.DBEngineConfig) throw unsupported('DBEngineConfig');
    const version = resolveVersion(catalog, { DBMajorVersion: req.DBMajorVersion, DBVersion: req.DBVersion, DBKernelVersion: req.DBKernelVersion });

    const spec = catalog.spec(req.SpecCode);
    if (!spec) throw new ApiError('InvalidParameterValue.SpecNotRecognizedError', `Failed to identify the specification (${req.SpecCode}); see DescribeClasses.`);
    const storageType = req.StorageType ?? DEFAULT_STORAGE_TYPE;
    if (!(STORAGE_TYPES as readonly string[]).includes(storageType))
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `StorageType "${storageType}" is invalid; valid values: ${STORAGE_TYPES.join(', ')}.`);
    if (!spec.StorageTypes.includes(storageType)) throw new ApiError('InvalidParameterValue.BadSpec', `Specification ${spec.SpecCode} is not sold with storage type ${storageType}.`);
    checkStorage(req.Storage, spec);

    // How many, how paid.
    if (req.InstanceCount < 1 || req.InstanceCount > 10)
      throw new ApiError('InvalidParameterValue.InvalidInstanceNum', `InstanceCount must be between 1 and 10 (got ${req.InstanceCount}); make several calls to buy more.`);
    const chargeType = parseChargeType(req.InstanceChargeType);
    checkPeriod(req.Period, chargeType);
    const autoRenew = checkFlag(req.AutoRenewFlag, 'AutoRenewFlag');
    checkFlag(req.AutoVoucher, 'AutoVoucher');
    if (req.VoucherIds && req.VoucherIds.length > 1) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', 'Only one voucher can be specified in VoucherIds.');
    if (req.VoucherIds && req.VoucherIds.length === 1 && chargeType !== 'PREPAID')
      throw new ApiError(INVALID_VOUCHER, `Voucher ${req.VoucherIds[0]} cannot be used: vouchers apply to PREPAID orders only.`);
    const percentOff = await activityPercentOff(ctx.db, req.ActivityId, ctx.clock.now());
    const projectId = req.ProjectId ?? 0;
    if (!(await projectExists(ctx.db, ctx.account.uin, projectId)))
      throw new ApiError('InvalidParameterValue.IllegalProjectId', `Project ${projectId} does not exist; see tag DescribeProjects (AddProject makes one).`);

    // Who: charset and root account.
    if (req.Charset !== 'UTF8' && req.Charset !== 'LATIN1')
      throw new ApiError('InvalidParameterValue.InvalidCharset', `Charset "${req.Charset}" is not supported; only UTF8 and LATIN1 are.`);
    checkAccountName(req.AdminName);
    if (!clone) checkPassword(req.AdminPassword);
    const name = req.Name ?? '';
    checkInstanceName(name);

    // Topology and features that later work builds; refused rather than ignored.
    const nodes = req.DBNodeSet ?? [];
    for (const n of nodes) {
      if (n.Role !== 'Primary' && n.Role !== 'Standby')
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBNodeSet Role "${n.Role}" is invalid; valid values: Primary, Standby.`);
      if (!catalog.zone(n.Zone)) throw new ApiError('InvalidParameterValue.InvalidZoneIdError', `DBNodeSet Zone "${n.Zone}" does not exist.`);
      if (n.DedicatedClusterId) throw unsupported('DBNodeSet DedicatedClusterId (CDC)');
    }
    const primaries = nodes.filter((n) => n.Role === 'Primary');
    if (primaries.length > 1) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'DBNodeSet may name only one Primary node.');
    if (primaries[0] && primaries[0].Zone !== req.Zone)
      throw new ApiError('InvalidParameterValue.IllegalZone', `The Primary node's zone ${primaries[0].Zone} must be the instance's Zone ${req.Zone}.`);
    // High availability: one Standby, in a zone of the primary zone's StandbyZoneSet. Without DBNodeSet
    // the real service puts a standby in the primary's own zone; the operator may make single-node the
    // default instead (PGCLOUD_DEFAULT_STANDBY=0).
    const standbys = nodes.filter((n) => n.Role === 'Standby');
    if (standbys.length > 1) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'DBNodeSet may name only one Standby node.');
    for (const n of standbys) {
      if (!zone.StandbyZoneSet.includes(n.Zone))
        throw new ApiError(
          'InvalidParameterValue.IllegalZone',
          `The Standby node's zone ${n.Zone} cannot back up primary zone ${req.Zone}; valid standby zones: ${zone.StandbyZoneSet.join(', ') || '(none)'} (DescribeZones StandbyZoneSet).`,
        );
    }
    // Transparent data encryption: the data files at rest are encrypted (gocryptfs) under a data key per
    // instance, wrapped by a KMS key (KMSKeyId, an enabled key of the account in KMSRegion or this
    // region; the service-managed key when empty). Checked here, the key itself found in the transaction.
    const tde = checkFlag(req.NeedSupportTDE, 'NeedSupportTDE') === 1;
    const kmsRegion = req.KMSRegion || ctx.region;
    if (!tde && (req.KMSKeyId || req.KMSRegion || req.KMSClusterId))
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'KMSKeyId, KMSRegion and KMSClusterId apply only with NeedSupportTDE 1.');
    if (tde) {
      if (catalog.tdeMissing.length)
        throw new ApiError(
          'UnsupportedOperation',
          `Transparent data encryption is not available on this pgcloud host: it lacks ${catalog.tdeMissing.join(', ')} (install them, e.g. apt-get install gocryptfs fuse3, and restart pgcloud); DescribeProductConfig reports IsSupportTDE 0. Leave NeedSupportTDE out.`,
        );
      if (req.KMSClusterId) throw unsupported('KMSClusterId (a dedicated KMS cluster)');
      const kmsRegions = catalog.regions.filter((r) => r.RegionState === 'AVAILABLE').map((r) => r.Region);
      if (!kmsRegions.includes(kmsRegion))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `KMSRegion "${kmsRegion}" is not a KMS region; valid values: ${kmsRegions.join(', ')} (DescribeProductConfig SupportKMSRegions).`);
      // Encrypted data directories are single-node: the standby's base backup and its own mount are not built yet.
      if (standbys.length)
        throw unsupported('Transparent data encryption with a Standby node (NeedSupportTDE 1 with a Standby in DBNodeSet); TDE instances are single-node: give only the Primary in DBNodeSet');
    }
    const standbyZone = req.DBNodeSet ? standbys[0]?.Zone : ctx.config.defaultStandby && !tde ? req.Zone : undefined;
    if (req.SyncMode !== undefined && req.SyncMode !== 'Semi-sync' && req.SyncMode !== 'Async')
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `SyncMode "${req.SyncMode}" is invalid; valid values: Semi-sync, Async.`);
    const ha: HaState | undefined = standbyZone
      ? { syncMode: (req.SyncMode as SyncMode | undefined) ?? 'Semi-sync', ...HA_DEFAULTS, primary: 0, nodes: [{ host: null, zone: req.Zone }, { host: null, zone: standbyZone }] }
      : undefined;
    const securityGroupIds = await checkSecurityGroupIds(ctx.db, ctx.account.uin, ctx.region, req.SecurityGroupIds ?? []);
    // IPv6: the instance also listens on the host's IPv6 loopback address. Refused with
    // InvalidParameterValue.IllegalZone where DescribeZones says ZoneSupportIpv6 0 (the catalogue's zone
    // has no IPv6, or this host has no ::1): the request is well formed, but the zone chosen does not offer
    // it, which a client can learn beforehand from DescribeZones, as with a sold-out zone.
    const ipv6 = checkFlag(req.NeedSupportIpv6, 'NeedSupportIpv6') === 1;
    if (ipv6 && zone.ZoneSupportIpv6 !== 1)
      throw new ApiError('InvalidParameterValue.IllegalZone', `Zone ${req.Zone} does not support IPv6 (DescribeZones ZoneSupportIpv6 is 0); choose a zone with ZoneSupportIpv6 1 or leave NeedSupportIpv6 out.`);
    if (ipv6 && !hasIpv6Loopback())
      throw new ApiError('InvalidParameterValue.IllegalZone', `IPv6 is not available on this pgcloud host (no IPv6 loopback address ::1; DescribeZones reports ZoneSupportIpv6 0); leave NeedSupportIpv6 out.`);

    const tags = (req.TagList ?? []).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
    checkTagList(tags);

    // What this host cannot hold is refused before anything is ordered or paid.
    await checkHostCapacity(ctx, { major: version.DBMajorVersion, instances: req.InstanceCount, nodesEach: ha ? 2 : 1 });

    // The verifier is computed once per request; the password itself goes no further.
    const verifier = clone ? clone.adminVerifier : scramVerifier(req.AdminPassword);
    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const expire = chargeType === 'PREPAID' ? addMonths(now, req.Period).toISOString() : null;
    // List price of one instance's order (prepaid: the months bought; postpaid: the hour frozen), and what is payable after the activity.
    const unitPrice = orderPrice({ memoryMb: spec.Memory, storageGb: req.Storage, chargeType, period: req.Period, count: 1 });
    const unitPayable = applyActivity(unitPrice, percentOff);
    const monthly = monthlyPrice(spec.Memory, req.Storage);
    const hourly = applyActivity(hourlyPrice(spec.Memory, req.Storage), percentOff);
    const billId = newBillId(now);
    const ids: string[] = [];
    const dealNames: string[] = [];

    await ctx.db.transaction().execute(async (trx) => {
      let network: { vpcId: string; subnetId: string };
      if (!req.VpcId && !req.SubnetId) {
        const zoneIndex = catalog.zonesOf(ctx.region).findIndex((z) => z.Zone === req.Zone);
        network = await ensureDefaultNetwork(trx, ctx.account.uin, ctx.region, req.Zone, zoneIndex);
      } else {
        const vpc = req.VpcId ? await findVpc(trx, ctx.account.uin, req.VpcId) : undefined;
        if (!vpc || vpc.region !== ctx.region) throw new ApiError('InvalidParameter.VpcNotFoundError', `VPC "${req.VpcId ?? ''}" was not found in region ${ctx.region}.`);
        const subnet = req.SubnetId ? await findSubnet(trx, ctx.account.uin, req.SubnetId) : undefined;
        if (!subnet || subnet.vpc_id !== vpc.id) throw new ApiError('InvalidParameter.VpcNotFoundError', `Subnet "${req.SubnetId ?? ''}" was not found in VPC ${vpc.id}.`);
        if (subnet.zone !== req.Zone) throw new ApiError('InvalidParameter.VpcNotFoundError', `Subnet ${subnet.id} is in zone ${subnet.zone}, not ${req.Zone}.`);
        network = { vpcId: vpc.id, subnetId: subnet.id };
      }
      let kmsKey: KmsKeyRow | undefined;
      if (tde && req.KMSKeyId) {
        kmsKey = await findKey(trx, ctx.account.uin, kmsRegion, req.KMSKeyId);
        if (!kmsKey)
          throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `KMSKeyId "${req.KMSKeyId}" is not a KMS key of this account in region ${kmsRegion} (kms ListKeys); leave it empty for a service-managed key.`);
        if (kmsKey.key_state !== 'Enabled')
          throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `KMS key ${kmsKey.key_id} is ${kmsKey.key_state}; TDE needs an enabled key (kms EnableKey).`);
      } else if (tde) {
        kmsKey = await ensureServiceKey(trx, boxFor(ctx.config.dataDir), ctx.account.uin, kmsRegion, nowIso);
      }
      let flowId = await nextFlowId(trx);
      const names = await nextDealNames(trx, now, req.InstanceCount);
      const orders = [];
      const instances = [];
      for (let i = 0; i < req.InstanceCount; i++) {
        const id = newInstanceId();
        const dealName = names[i]!;
        ids.push(id);
        dealNames.push(dealName);
        orders.push({
          deal_name: dealName, uin: ctx.account.uin, bill_id: billId, pay_mode: chargeType === 'PREPAID' ? 1 : 0, count: 1,
          instance_ids: JSON.stringify([id]), amount: unitPrice, currency: CURRENCY, action: 'purchase', flow_id: flowId++, created_at: nowIso,
        });
        instances.push({
          id, uin: ctx.account.uin, region: ctx.region, zone: req.Zone, name: name || 'Unnamed', status: 'applying',
          spec_code: spec.SpecCode, cpu: spec.CPU, memory_mb: spec.Memory, storage_gb: req.Storage, storage_type: storageType,
          db_engine: engine, db_version: version.DBVersion, db_major_version: version.DBMajorVersion, db_kernel_version: version.DBKernelVersion,
          charset: req.Charset, admin_name: req.AdminName, admin_verifier: verifier, charge_type: chargeType, period: req.Period,
          auto_renew: autoRenew, project_id: projectId, vpc_id: network.vpcId, subnet_id: network.subnetId,
          node_set: ha ? nodeSetOf(ha) : JSON.stringify([{ Role: 'Primary', Zone: req.Zone, DedicatedClusterId: '' }]),
          ha: ha ? JSON.stringify(ha) : null,
          // TDE: only the data key's CiphertextBlob under the KMS key is kept (its context: the instance id).
          ...(kmsKey ? { tde: 1, kms_key_id: kmsKey.key_id, kms_region: kmsRegion, dek_blob: newWrappedDataKey(boxFor(ctx.config.dataDir), kmsKey, id) } : {}),
          ...(clone ? { restore_source: clone.restore.source, restore_backup: clone.restore.backup, restore_target: clone.restore.target } : {}),
          deletion_protection: req.DeletionProtection ? 1 : 0, ipv6: ipv6 ? 1 : 0, deal_name: dealName, host: null, port: null, desired_state: 'running',
          attempts: 0, last_error: null, next_attempt_at: null, lease_owner: null, lease_until: null,
          created_at: nowIso, updated_at: nowIso, expire_time: expire, isolated_time: null,
        });
      }
      await insertOrdersWithInstances(trx, orders, instances);
      // TagList: the instances' resource tags, where the tag service reads and changes them.
      for (const id of ids) await changeResourceTags(trx, ctx.account.uin, instanceResource(ctx.region, id), tags, [], nowIso);
      // Each instance is backed up by its default plan from the start, as on the real service.
      await ensureDefaultPlans(trx, ids.map((id) => ({ id, uin: ctx.account.uin })), nowIso);
      await attachNetwork(trx, { subnetId: network.subnetId, instanceIds: ids, securityGroupIds, now: nowIso });

      // Payment, in the same transaction: any refusal rolls back the orders and instances above.
      const charges = ids.map((id, i) => ({ dealName: dealNames[i]!, instanceId: id, amount: unitPayable }));
      const billing = { uin: ctx.account.uin, initialBalance: ctx.config.initialBalance, orders: charges, billId, now };
      if (chargeType === 'PREPAID') {
        const voucher = await pickVoucher(trx, ctx.account.uin, req, unitPayable * req.InstanceCount, now);
        await chargeOrders(trx, { ...billing, voucher, what: `purchase of ${req.Period} month(s) of` });
      } else {
        await freezeHours(trx, billing);
      }
      await insertInstanceBilling(
        trx,
        ids.map((id) => ({
          instance_id: id, uin: ctx.account.uin, charge_type: chargeType, monthly_price: monthly, hourly_price: hourly,
          frozen: chargeType === 'PREPAID' ? 0 : unitPayable, settled_until: chargeType === 'PREPAID' ? null : nowIso, refunded: 0, created_at: nowIso,
        })),
      );
    });

    ctx.log.info({ instances: ids, version: version.DBVersion, spec: spec.SpecCode, ...(clone ? { cloneOf: clone.restore.source } : {}) }, 'instances ordered');
    ctx.wakeReconciler();
    return { DealNames: dealNames, BillId: billId, DBInstanceIdSet: ids };
}
