// Backup plans as the API shows and checks them (DescribeBackupPlans, Create/Modify/DeleteBackupPlan).
// The plan is data: the backup scheduler (src/reconciler/backups.ts) reads it from the store.
import { ApiError } from '../../core/errors.ts';
import { formatApiTime } from '../../core/time.ts';
import type { InstanceRow } from '../../store/instances.ts';
import { WEEKDAYS, type BackupPlanRow } from '../../store/backupPlans.ts';
import { statusDenied } from './lifecycle.ts';

export function backupPlanView(p: BackupPlanRow): Record<string, unknown> {
  return {
    // A JSON text, as the real service answers it ("[\"monday\",\"tuesday\"]"); Terraform parses it.
    BackupPeriod: JSON.stringify(JSON.parse(p.periods)),
    BaseBackupRetentionPeriod: p.base_retention_days,
    MinBackupStartTime: p.min_start,
    MaxBackupStartTime: p.max_start,
    BackupMethod: p.backup_method,
    PlanId: p.plan_id,
    PlanName: p.plan_name,
    LogBackupRetentionPeriod: p.log_retention_days,
    CreatedTime: formatApiTime(p.created_at),
    UpdatedTime: formatApiTime(p.updated_at),
    PlanType: p.plan_type,
    BackupPeriodType: p.period_type,
  };
}

const bad = (msg: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', msg);

/** Statuses in which an instance's plans cannot be changed: it is not in service (plans would not run). */
const PLANS_FROZEN = ['isolating', 'isolated', 'offline', 'recycled'];

export function requirePlansEditable(row: InstanceRow, action: string): void {
  if (PLANS_FROZEN.includes(row.status)) throw statusDenied(row, action);
}

/** A time of day, HH:MM:SS. */
export function checkTimeOfDay(value: string, field: string): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(value)) throw bad(`${field} "${value}" is invalid: it must be a time of day HH:MM:SS (e.g. 01:00:00).`);
  return value;
}

/**
 * BackupPeriod of a plan, in the order given (Terraform's backup_plan.backup_period is an ordered list),
 * duplicates dropped: lowercase weekday names, at least two days (week), or day numbers 1-31 (month).
 */
export function checkPeriods(values: string[], type: 'week' | 'month'): string[] {
  const out = [...new Set(values)];
  if (type === 'week') {
    for (const v of out) if (!(WEEKDAYS as readonly string[]).includes(v)) throw bad(`BackupPeriod "${v}" is invalid: a weekly plan takes lowercase weekday names (${WEEKDAYS.join(', ')}).`);
    if (out.length < 2) throw bad('BackupPeriod must name at least two days of the week.');
  } else {
    for (const v of out) if (!/^([1-9]|[12]\d|3[01])$/.test(v)) throw bad(`BackupPeriod "${v}" is invalid: a monthly plan takes days of the month "1" to "31".`);
    if (out.length < 1) throw bad('BackupPeriod must name at least one day of the month.');
  }
  return out;
}

/** Retention in days within [min, max]. */
export function checkRetention(days: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(days) || days < min || days > max) throw bad(`${field} must be between ${min} and ${max} days (got ${days}).`);
  return days;
}

export function checkPlanName(name: string): string {
  if ([...name].length < 1 || [...name].length > 60) throw new ApiError('InvalidParameterValue.ParameterLengthLimitError', 'PlanName must be 1 to 60 characters long.');
  return name;
}

/** pgcloud takes physical backups (a base backup of the data directory plus the archived WAL) only. */
export function checkBackupMethod(method: string | undefined): void {
  if (method === undefined || method === 'physical') return;
  if (method === 'logical' || method === 'snapshot')
    throw new ApiError('UnsupportedOperation', `BackupMethod "${method}" is not supported by pgcloud: its backups are physical (base backups with the WAL archive); use physical.`);
  throw bad(`BackupMethod "${method}" is invalid; valid values: physical, logical, snapshot.`);
}
