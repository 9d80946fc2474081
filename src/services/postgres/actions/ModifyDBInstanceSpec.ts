// ModifyDBInstanceSpec: another spec (Memory, optionally Cpu) and/or more Storage. The reconciler
// applies it ("expanding" → "running"): new memory settings restart the server; more storage raises
// the quota the storage watcher enforces (an instance read-only at its old quota becomes writable).
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { newBillId } from '../../../core/ids.ts';
import { nextDealNames } from '../../../store/instances.ts';
import { changeInstance, insertTask } from '../../../store/lifecycle.ts';
import { checkFlag, checkStorage } from '../rules.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';

interface Request {
  DBInstanceId: string;
  Memory: number;
  Storage: number;
  AutoVoucher?: number;
  VoucherIds?: string[];
  ActivityId?: number;
  SwitchTag?: number;
  SwitchStartTime?: string;
  SwitchEndTime?: string;
  Cpu?: number;
  SyncModifyParams?: Array<{ Name: string; ExpectedValue: string }>;
}

const GB = 1024 ** 3;

export default defineAction<Request, { DealName: string; BillId: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceSpec',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    Memory: { type: 'integer', required: true, description: 'Memory after the change, GB.' },
    Storage: { type: 'integer', required: true, description: 'Storage after the change, GB, step 10.' },
    AutoVoucher: { type: 'integer', description: '0 or 1.' },
    VoucherIds: { type: { array: 'string' }, description: 'Voucher IDs (one at most).' },
    ActivityId: { type: 'integer', description: 'Activity ID.' },
    SwitchTag: { type: 'integer', description: '0 switch now (the only one supported), 1 at a time, 2 in the maintenance window.' },
    SwitchStartTime: { type: 'string', description: 'HH:MM:SS (SwitchTag 1).' },
    SwitchEndTime: { type: 'string', description: 'HH:MM:SS (SwitchTag 1).' },
    Cpu: { type: 'integer', description: 'Cores; by default the spec of this memory.' },
    SyncModifyParams: {
      type: { array: { object: { Name: { type: 'string', required: true, description: 'Parameter.' }, ExpectedValue: { type: 'string', required: true, description: 'Value.' } } } },
      description: 'Parameters changed with the spec.',
    },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, SETTLED, 'ModifyDBInstanceSpec');
    checkFlag(req.AutoVoucher, 'AutoVoucher');
    if (req.VoucherIds && req.VoucherIds.length > 0) throw new ApiError('InvalidParameterValue.InvalidVoucherId', `Voucher ${req.VoucherIds[0]} does not exist or cannot be used by this account.`);
    if (req.ActivityId !== undefined && req.ActivityId !== 0) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Activity ${req.ActivityId} does not exist.`);
    if (req.SwitchTag !== undefined && req.SwitchTag !== 0) throw new ApiError('UnsupportedOperation', 'Only SwitchTag 0 (switch now) is supported by pgcloud yet.');
    if (req.SyncModifyParams && req.SyncModifyParams.length) throw new ApiError('UnsupportedOperation', 'SyncModifyParams is not supported by pgcloud yet; call ModifyDBInstanceParameters.');

    // The spec of that memory (and CPU), in the family of the current one when there are several.
    const family = row.spec_code.replace(/\.[^.]+$/, '');
    const ofMemory = (cpu: number | undefined) =>
      ctx.catalog.specs.filter((s) => s.Memory === req.Memory * 1024 && (cpu === undefined || s.CPU === cpu) && s.StorageTypes.includes(row.storage_type));
    // A Cpu equal to the current one is no request to keep it: the Terraform provider sends its last
    // known cpu with a new memory (README, "Behaviour inferred from the Terraform provider").
    let candidates = ofMemory(req.Cpu);
    if (candidates.length === 0 && req.Cpu === row.cpu) candidates = ofMemory(undefined);
    const spec = candidates.find((s) => s.SpecCode.startsWith(family + '.')) ?? candidates[0];
    if (!spec)
      throw new ApiError('InvalidParameterValue.SpecNotRecognizedError', `No specification has ${req.Memory} GB of memory${req.Cpu !== undefined ? ` and ${req.Cpu} cores` : ''} for storage type ${row.storage_type}; see DescribeClasses.`);
    checkStorage(req.Storage, spec);
    // Shrinking below what the instance already uses on disk is refused.
    const scale = ctx.config.storageQuotaScale;
    const used = row.disk_used_bytes ?? 0;
    const quota = req.Storage * GB * scale;
    if (req.Storage < row.storage_gb && used >= quota)
      throw new ApiError('FailedOperation.StorageMemoryCheckError', `The instance uses ${Math.ceil(used / scale / GB)} GB; Storage cannot be reduced to ${req.Storage} GB.`);

    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const billId = newBillId(now);
    const dealName = await ctx.db.transaction().execute(async (trx) => {
      const gen = await changeInstance(trx, row.id, SETTLED, {
        spec_code: spec.SpecCode, cpu: spec.CPU, memory_mb: spec.Memory, storage_gb: req.Storage, status: 'expanding', updated_at: nowIso,
        // Room again below the new quota: writable as soon as the change is applied.
        ...(row.read_only === 1 && used < quota ? { read_only: 0 } : {}),
      });
      if (gen === undefined) throw statusDenied(row, 'ModifyDBInstanceSpec');
      const flowId = await insertTask(trx, {
        uin: ctx.account.uin, instanceId: row.id, type: 'ModifyDBInstanceSpec', generation: gen, now: nowIso,
        input: { DBInstanceId: row.id, SpecCode: spec.SpecCode, Memory: req.Memory, Cpu: spec.CPU, Storage: req.Storage },
      });
      // The order of the change (price differences are billing's to settle).
      const [dealName] = await nextDealNames(trx, now, 1);
      await trx
        .insertInto('orders')
        .values({ deal_name: dealName!, uin: ctx.account.uin, bill_id: billId, pay_mode: row.charge_type === 'PREPAID' ? 1 : 0, count: 1, instance_ids: JSON.stringify([row.id]), amount: 0, currency: 'CNY', action: 'modify', flow_id: flowId, created_at: nowIso })
        .execute();
      return dealName!;
    });
    ctx.log.info({ instance: row.id, spec: spec.SpecCode, storage: req.Storage }, 'instance spec changing');
    ctx.wakeReconciler();
    return { DealName: dealName, BillId: billId };
  },
});
