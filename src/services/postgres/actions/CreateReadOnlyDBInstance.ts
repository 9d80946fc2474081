// CreateReadOnlyDBInstance: read-only instances of a master, each an instance of its own (its own ID,
// order, bill, spec, storage, address), recorded in one store transaction with their payment exactly
// as CreateInstances does. The reconciler makes each a streaming replica of the master's current
// primary (src/reconciler/index.ts readOnlySpec); version, charset and roles are the master's.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newBillId, newReadOnlyInstanceId } from '../../../core/ids.ts';
import { DEFAULT_STORAGE_TYPE } from '../../../core/catalog/types.ts';
import { CURRENCY, hourlyPrice, monthlyPrice, orderPrice } from '../../../core/billing/pricing.ts';
import { addMonths } from '../../../core/billing/period.ts';
import { INVALID_VOUCHER } from '../../../core/billing/vouchers.ts';
import { insertInstanceBilling } from '../../../store/billing.ts';
import { activityPercentOff, applyActivity, chargeOrders, freezeHours, pickVoucher } from '../billing.ts';
import { insertOrdersWithInstances, nextDealNames, nextFlowId } from '../../../store/instances.ts';
import { changeResourceTags } from '../../../store/tags.ts';
import { checkTagList, instanceResource } from '../tags.ts';
import { ensureDefaultNetwork, findSubnet, findVpc } from '../../../store/networks.ts';
import { projectExists } from '../../../store/projects.ts';
import { hasIpv6Loopback } from '../../../core/host.ts';
import { attachNetwork, checkSecurityGroupIds } from '../network.ts';
import { checkHostCapacity } from '../capacity.ts';
import { MAX_READONLY_PER_MASTER, nextReadOnlyNodes, readOnlyCounts } from '../../../store/readonly.ts';
import { findInstance, SETTLED } from '../lifecycle.ts';
import { findGroup } from '../readonlyGroups.ts';
import { checkFlag, checkInstanceName, checkPeriod, checkStorage, parseChargeType } from '../rules.ts';

interface Tag {
  TagKey: string;
  TagValue: string;
}

interface Request {
  Zone: string;
  MasterDBInstanceId: string;
  SpecCode: string;
  Storage: number;
  InstanceCount: number;
  Period: number;
  VpcId?: string;
  SubnetId?: string;
  InstanceChargeType?: string;
  AutoVoucher?: number;
  VoucherIds?: string[];
  AutoRenewFlag?: number;
  ProjectId?: number;
  ActivityId?: number;
  ReadOnlyGroupId?: string;
  TagList?: Tag;
  SecurityGroupIds?: string[];
  NeedSupportIpv6?: number;
  Name?: string;
  DBVersion?: string;
  DedicatedClusterId?: string;
  DeletionProtection?: boolean;
  Tags?: Tag[];
}

const tagType = { object: { TagKey: { type: 'string' as const, required: true, description: 'Tag key.' }, TagValue: { type: 'string' as const, required: true, description: 'Tag value.' } } };

export default defineAction<Request, { DealNames: string[]; BillId: string; DBInstanceIdSet: string[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CreateReadOnlyDBInstance',
  request: {
    Zone: { type: 'string', required: true, description: 'Availability zone of the read-only instances.' },
    MasterDBInstanceId: { type: 'string', required: true, description: 'The primary (master) instance.' },
    SpecCode: { type: 'string', required: true, description: 'Purchasable specification code (DescribeClasses SpecCode).' },
    Storage: { type: 'integer', required: true, description: 'Disk capacity in GB, step 10.' },
    InstanceCount: { type: 'integer', required: true, description: 'Number of read-only instances, 1 to 6.' },
    Period: { type: 'integer', required: true, description: 'Months: prepaid 1-12, 24, 36; postpaid only 1.' },
    VpcId: { type: 'string', description: "VPC ID; the master's when omitted (in the master's zone), else the zone's default." },
    SubnetId: { type: 'string', description: 'Subnet ID.' },
    InstanceChargeType: { type: 'string', description: 'PREPAID (default) or POSTPAID_BY_HOUR; a postpaid master has postpaid read-only instances.' },
    AutoVoucher: { type: 'integer', description: '0 or 1.' },
    VoucherIds: { type: { array: 'string' }, description: 'Voucher IDs (one at most).' },
    AutoRenewFlag: { type: 'integer', description: '0 manual renewal, 1 auto renewal.' },
    ProjectId: { type: 'integer', description: 'Project ID, default 0.' },
    ActivityId: { type: 'integer', description: 'Activity ID.' },
    ReadOnlyGroupId: { type: 'string', description: 'Read-only group to put the instances in.' },
    TagList: { type: tagType, description: 'One tag (older field; see Tags).' },
    SecurityGroupIds: { type: { array: 'string' }, description: 'Security groups.' },
    NeedSupportIpv6: { type: 'integer', description: '0 or 1.' },
    Name: { type: 'string', description: 'Instance name.' },
    DBVersion: { type: 'string', description: "No longer needed: the master's version is used." },
    DedicatedClusterId: { type: 'string', description: 'CDC ID.' },
    DeletionProtection: { type: 'boolean', description: 'Deletion protection.' },
    Tags: { type: { array: tagType }, description: 'Tags bound to the instances.' },
  },

  async handle(ctx, req) {
    const { catalog } = ctx;
    const master = await findInstance(ctx, req.MasterDBInstanceId);
    if (master.master_id)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Instance ${master.id} is itself a read-only instance; MasterDBInstanceId must name a primary instance.`);
    if (!(SETTLED as readonly string[]).includes(master.status) || master.desired_state !== 'running')
      throw new ApiError('OperationDenied.InstanceStatusLimitOpError', `CreateReadOnlyDBInstance is not allowed while the master instance ${master.id} is ${master.status}.`);
    if (master.tde === 1) throw new ApiError('UnsupportedOperation', 'Read-only instances of a TDE instance are not supported by pgcloud yet.');
    if (req.DedicatedClusterId) throw new ApiError('UnsupportedOperation', 'DedicatedClusterId (CDC) is not supported by pgcloud yet; leave it out of the request.');
    if (req.DBVersion && req.DBVersion !== master.db_version)
      throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBVersion ${req.DBVersion} differs from the master's ${master.db_version}; leave it out (read-only instances run the master's version).`);

    const zone = catalog.zone(req.Zone);
    if (!zone) throw new ApiError('InvalidParameterValue.InvalidZoneIdError', `Zone "${req.Zone}" does not exist; see DescribeZones.`);
    if (zone.Region !== ctx.region) throw new ApiError('InvalidParameterValue.IllegalRegion', `Zone ${req.Zone} is not in region ${ctx.region || '(none)'}: read-only instances are in their master's region.`);
    if (zone.ZoneState !== 'AVAILABLE') throw new ApiError('InvalidParameterValue.IllegalZone', `Zone ${req.Zone} is ${zone.ZoneState} and cannot be purchased in.`);

    const spec = catalog.spec(req.SpecCode);
    if (!spec) throw new ApiError('InvalidParameterValue.SpecNotRecognizedError', `Failed to identify the specification (${req.SpecCode}); see DescribeClasses.`);
    const storageType = master.storage_type || DEFAULT_STORAGE_TYPE;
    if (!spec.StorageTypes.includes(storageType)) throw new ApiError('InvalidParameterValue.BadSpec', `Specification ${spec.SpecCode} is not sold with the master's storage type ${storageType}.`);
    checkStorage(req.Storage, spec);

    if (req.InstanceCount < 1 || req.InstanceCount > MAX_READONLY_PER_MASTER)
      throw new ApiError('InvalidParameterValue.InvalidInstanceNum', `InstanceCount must be between 1 and ${MAX_READONLY_PER_MASTER} (got ${req.InstanceCount}).`);
    const chargeType = parseChargeType(req.InstanceChargeType);
    if (master.charge_type === 'POSTPAID_BY_HOUR' && chargeType !== 'POSTPAID_BY_HOUR')
      throw new ApiError('InvalidParameterValue.IllegalInstanceChargeType', `Master ${master.id} is pay-as-you-go: its read-only instances must be POSTPAID_BY_HOUR too.`);
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
    const name = req.Name ?? '';
    checkInstanceName(name);
    // ReadOnlyGroupId: the new instances join that group of the same master.
    const group = req.ReadOnlyGroupId ? await findGroup(ctx, req.ReadOnlyGroupId) : undefined;
    if (group && group.master_id !== master.id)
      throw new ApiError('FailedOperation.ROGroupMasterInstanceNotRight', `RO group ${group.id} belongs to master ${group.master_id}, not ${master.id}.`);

    const securityGroupIds = await checkSecurityGroupIds(ctx.db, ctx.account.uin, ctx.region, req.SecurityGroupIds ?? []);
    const ipv6 = checkFlag(req.NeedSupportIpv6, 'NeedSupportIpv6') === 1;
    if (ipv6 && (zone.ZoneSupportIpv6 !== 1 || !hasIpv6Loopback()))
      throw new ApiError('InvalidParameterValue.IllegalZone', `IPv6 is not available in zone ${req.Zone} on this pgcloud host (DescribeZones ZoneSupportIpv6 is 0); leave NeedSupportIpv6 out.`);
    // TagList (one Tag, the older field) and Tags (the newer list) together.
    const tags = [...(req.TagList ? [req.TagList] : []), ...(req.Tags ?? [])].map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
    checkTagList(tags);

    await checkHostCapacity(ctx, { major: master.db_major_version, instances: req.InstanceCount, nodesEach: 1 });

    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const expire = chargeType === 'PREPAID' ? addMonths(now, req.Period).toISOString() : null;
    const unitPrice = orderPrice({ memoryMb: spec.Memory, storageGb: req.Storage, chargeType, period: req.Period, count: 1 });
    const unitPayable = applyActivity(unitPrice, percentOff);
    const monthly = monthlyPrice(spec.Memory, req.Storage);
    const hourly = applyActivity(hourlyPrice(spec.Memory, req.Storage), percentOff);
    const billId = newBillId(now);
    const ids: string[] = [];
    const dealNames: string[] = [];

    await ctx.db.transaction().execute(async (trx) => {
      // At most six read-only instances per master, counted in the transaction that adds them.
      const have = (await readOnlyCounts(trx, [master.id])).get(master.id) ?? 0;
      if (have + req.InstanceCount > MAX_READONLY_PER_MASTER)
        throw new ApiError('OperationDenied.RoInstanceCountExeedError', `Master ${master.id} has ${have} read-only instance(s); at most ${MAX_READONLY_PER_MASTER} are allowed.`);
      let network: { vpcId: string; subnetId: string };
      if (!req.VpcId && !req.SubnetId) {
        if (req.Zone === master.zone) network = { vpcId: master.vpc_id, subnetId: master.subnet_id };
        else network = await ensureDefaultNetwork(trx, ctx.account.uin, ctx.region, req.Zone, catalog.zonesOf(ctx.region).findIndex((z) => z.Zone === req.Zone));
      } else {
        const vpc = req.VpcId ? await findVpc(trx, ctx.account.uin, req.VpcId) : undefined;
        if (!vpc || vpc.region !== ctx.region) throw new ApiError('InvalidParameter.VpcNotFoundError', `VPC "${req.VpcId ?? ''}" was not found in region ${ctx.region}.`);
        const subnet = req.SubnetId ? await findSubnet(trx, ctx.account.uin, req.SubnetId) : undefined;
        if (!subnet || subnet.vpc_id !== vpc.id) throw new ApiError('InvalidParameter.VpcNotFoundError', `Subnet "${req.SubnetId ?? ''}" was not found in VPC ${vpc.id}.`);
        if (subnet.zone !== req.Zone) throw new ApiError('InvalidParameter.VpcNotFoundError', `Subnet ${subnet.id} is in zone ${subnet.zone}, not ${req.Zone}.`);
        network = { vpcId: vpc.id, subnetId: subnet.id };
      }
      const nodes = await nextReadOnlyNodes(trx, master.id, req.InstanceCount);
      let flowId = await nextFlowId(trx);
      const names = await nextDealNames(trx, now, req.InstanceCount);
      const orders = [];
      const instances = [];
      for (let i = 0; i < req.InstanceCount; i++) {
        const id = newReadOnlyInstanceId();
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
          db_engine: master.db_engine, db_version: master.db_version, db_major_version: master.db_major_version, db_kernel_version: master.db_kernel_version,
          charset: master.charset, admin_name: master.admin_name, admin_verifier: master.admin_verifier, charge_type: chargeType, period: req.Period,
          auto_renew: autoRenew, project_id: projectId, vpc_id: network.vpcId, subnet_id: network.subnetId,
          node_set: JSON.stringify([{ Role: 'Primary', Zone: req.Zone, DedicatedClusterId: '' }]), ha: null,
          master_id: master.id, ro_node: nodes[i]!, ro_group_id: group?.id ?? null,
          deletion_protection: req.DeletionProtection ? 1 : 0, ipv6: ipv6 ? 1 : 0, deal_name: dealName, host: null, port: null, desired_state: 'running',
          attempts: 0, last_error: null, next_attempt_at: null, lease_owner: null, lease_until: null,
          created_at: nowIso, updated_at: nowIso, expire_time: expire, isolated_time: null,
        });
      }
      await insertOrdersWithInstances(trx, orders, instances);
      for (const id of ids) await changeResourceTags(trx, ctx.account.uin, instanceResource(ctx.region, id), tags, [], nowIso);
      await attachNetwork(trx, { subnetId: network.subnetId, instanceIds: ids, securityGroupIds, now: nowIso });

      // Payment, in the same transaction, through the same charge path as CreateInstances.
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

    ctx.log.info({ instances: ids, master: master.id, spec: spec.SpecCode }, 'read-only instances ordered');
    ctx.wakeReconciler();
    return { DealNames: dealNames, BillId: billId, DBInstanceIdSet: ids };
  },
});
