// CloneDBInstance: a new instance whose data is the source's at a backup set's end (BackupSetId) or at
// a moment (RecoveryTargetTime, Beijing time, inside DescribeAvailableRecoveryTime). It is ordered and
// paid exactly as CreateInstances orders one (its own order, bill and address), with the source's
// version, charset and admin account; the reconciler makes its data directory from the base backup
// and the archived WAL up to that moment, then it is promoted (src/engine/local/steps/restore.ts).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { formatApiTime } from '../../../core/time.ts';
import { findInstance, requireStatus, SETTLED } from '../lifecycle.ts';
import { findBaseBackup } from '../../../store/baseBackups.ts';
import { orderInstances, type DBNode } from '../purchase.ts';
import { parseApiTime, recoveryWindow } from '../backups.ts';

interface Request {
  DBInstanceId: string;
  SpecCode: string;
  Storage: number;
  Period: number;
  AutoRenewFlag: number;
  VpcId: string;
  SubnetId: string;
  Name?: string;
  InstanceChargeType?: string;
  SecurityGroupIds?: string[];
  ProjectId?: number;
  TagList?: Array<{ TagKey: string; TagValue: string }>;
  DBNodeSet?: DBNode[];
  AutoVoucher?: number;
  VoucherIds?: string;
  ActivityId?: number;
  BackupSetId?: string;
  RecoveryTargetTime?: string;
  SyncMode?: string;
  DeletionProtection?: boolean;
}

const bad = (msg: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', msg);

export default defineAction<Request, { DealName: string; BillId: string; DBInstanceId: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'CloneDBInstance',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Source instance ID.' },
    SpecCode: { type: 'string', required: true, description: 'Specification code (DescribeClasses SpecCode).' },
    Storage: { type: 'integer', required: true, description: 'Disk capacity in GB, step 10.' },
    Period: { type: 'integer', required: true, description: 'Months: prepaid 1-12, 24, 36; postpaid only 1.' },
    AutoRenewFlag: { type: 'integer', required: true, description: '0 manual renewal, 1 auto renewal.' },
    VpcId: { type: 'string', required: true, description: 'VPC ID.' },
    SubnetId: { type: 'string', required: true, description: 'Subnet ID.' },
    Name: { type: 'string', description: 'Name of the new instance; "<source name>-Copy" when absent.' },
    InstanceChargeType: { type: 'string', description: 'PREPAID (default) or POSTPAID_BY_HOUR.' },
    SecurityGroupIds: { type: { array: 'string' }, description: 'Security groups.' },
    ProjectId: { type: 'integer', description: 'Project ID, default 0.' },
    TagList: {
      type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Tag key.' }, TagValue: { type: 'string', required: true, description: 'Tag value.' } } } },
      description: 'Tags bound to the new instance.',
    },
    DBNodeSet: {
      type: { array: { object: { Role: { type: 'string', required: true, description: 'Primary or Standby.' }, Zone: { type: 'string', required: true, description: 'Zone of the node.' }, DedicatedClusterId: { type: 'string', description: 'CDC ID.' } } } },
      description: 'Node deployment information.',
    },
    AutoVoucher: { type: 'integer', description: '0 or 1.' },
    VoucherIds: { type: 'string', description: 'Voucher ID.' },
    ActivityId: { type: 'integer', description: 'Activity ID.' },
    BackupSetId: { type: 'string', description: 'Base backup set to restore (this or RecoveryTargetTime).' },
    RecoveryTargetTime: { type: 'string', description: 'Moment to restore to, Beijing time (this or BackupSetId).' },
    SyncMode: { type: 'string', description: 'Semi-sync or Async.' },
    DeletionProtection: { type: 'boolean', description: 'Deletion protection.' },
  },
  async handle(ctx, req) {
    const source = await findInstance(ctx, req.DBInstanceId);
    requireStatus(source, SETTLED, 'CloneDBInstance');
    if (source.tde === 1) throw new ApiError('UnsupportedOperation', 'Cloning an instance with transparent data encryption is not supported by pgcloud yet (it has no backups).');
    const hasSet = req.BackupSetId !== undefined && req.BackupSetId !== '';
    const hasTime = req.RecoveryTargetTime !== undefined && req.RecoveryTargetTime !== '';
    if (hasSet === hasTime) throw bad('Give exactly one of BackupSetId and RecoveryTargetTime.');
    let restore: { source: string; backup: string; target: string | null };
    if (hasSet) {
      const b = await findBaseBackup(ctx.db, req.BackupSetId!);
      if (!b || b.instance_id !== source.id) throw bad(`BackupSetId "${req.BackupSetId}" is not a backup set of instance ${source.id}; see DescribeBaseBackups.`);
      if (b.state !== 'finished') throw bad(`Backup set ${b.id} is ${b.state}; only a finished backup set can be restored.`);
      restore = { source: source.id, backup: b.id, target: null };
    } else {
      const t = parseApiTime(req.RecoveryTargetTime!, 'RecoveryTargetTime');
      const w = await recoveryWindow(ctx, source);
      if (!w || t < w.begin || t > w.end)
        throw bad(
          w
            ? `RecoveryTargetTime ${req.RecoveryTargetTime} is outside the time instance ${source.id} can be restored to: ${formatApiTime(w.begin)} to ${formatApiTime(w.end)} (DescribeAvailableRecoveryTime).`
            : `Instance ${source.id} has no finished base backup yet, so it cannot be restored to any time (DescribeAvailableRecoveryTime).`,
        );
      // The newest backup consistent at or before the moment; recovery replays the WAL from it to there.
      const b = await ctx.db
        .selectFrom('base_backups')
        .selectAll()
        .where('instance_id', '=', source.id)
        .where('state', '=', 'finished')
        .where('finish_time', '<=', t.toISOString())
        .orderBy('finish_time', 'desc')
        .executeTakeFirst();
      if (!b) throw bad(`No backup set of instance ${source.id} is complete by ${req.RecoveryTargetTime}.`);
      restore = { source: source.id, backup: b.id, target: t.toISOString() };
    }
    const zone = req.DBNodeSet?.find((n) => n.Role === 'Primary')?.Zone ?? source.zone;
    const res = await orderInstances(
      ctx,
      {
        SpecCode: req.SpecCode, Storage: req.Storage, InstanceCount: 1, Period: req.Period, Charset: source.charset, AdminName: source.admin_name,
        AdminPassword: '', Zone: zone, DBMajorVersion: source.db_major_version, InstanceChargeType: req.InstanceChargeType, VpcId: req.VpcId,
        SubnetId: req.SubnetId, DBNodeSet: req.DBNodeSet, AutoRenewFlag: req.AutoRenewFlag, AutoVoucher: req.AutoVoucher,
        VoucherIds: req.VoucherIds ? [req.VoucherIds] : undefined, ProjectId: req.ProjectId, ActivityId: req.ActivityId,
        Name: req.Name ?? `${source.name}-Copy`, TagList: req.TagList, SecurityGroupIds: req.SecurityGroupIds, SyncMode: req.SyncMode,
        DeletionProtection: req.DeletionProtection, NeedSupportIpv6: source.ipv6,
      },
      { adminVerifier: source.admin_verifier, restore },
    );
    return { DealName: res.DealNames[0]!, BillId: res.BillId, DBInstanceId: res.DBInstanceIdSet[0]! };
  },
});
