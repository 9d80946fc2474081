// Validation rules of TencentDB for PostgreSQL shared by several actions, each failing with the
// error code the real service documents for it.
import { ApiError } from '../../core/errors.ts';

export const PREPAID_PERIODS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36];

/** AdminName / account names: 1-16 letters, digits, underscores; not postgres; not starting with a digit, pg_ or tencentdb_ (case-insensitive). */
export function checkAccountName(name: string, field = 'AdminName'): void {
  const lower = name.toLowerCase();
  const bad =
    !/^[A-Za-z0-9_]{1,16}$/.test(name) ||
    lower === 'postgres' ||
    /^[0-9]/.test(name) ||
    lower.startsWith('pg_') ||
    lower.startsWith('tencentdb_');
  if (bad)
    throw new ApiError(
      'InvalidParameterValue.InvalidAccountNameError',
      `The ${field} "${name}" is invalid: it must be 1-16 letters, digits or underscores, cannot be postgres, and cannot start with a digit, pg_ or tencentdb_ (all rules are case-insensitive).`,
    );
}

const SPECIALS = "()`~!@#$%^&*-+=_|{}[]:;'<>,.?/";

/** AdminPassword / account passwords: 8-32 characters of four classes, not starting with "/". */
export function checkPassword(password: string, field = 'AdminPassword'): void {
  if (password.length < 8 || password.length > 32)
    throw new ApiError('InvalidParameterValue.InvalidPasswordLengthError', `The ${field} must be 8 to 32 characters long.`);
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(password)).length + ([...password].some((c) => SPECIALS.includes(c)) ? 1 : 0);
  const allowed = [...password].every((c) => /[A-Za-z0-9]/.test(c) || SPECIALS.includes(c));
  if (classes < 4 || !allowed || password.startsWith('/'))
    throw new ApiError(
      'InvalidParameterValue.InvalidPasswordValueError',
      `The ${field} must contain uppercase letters, lowercase letters, digits and symbols (${SPECIALS}), only those characters, and must not start with "/".`,
    );
}

/** Instance names: fewer than 60 characters of Chinese, English letters, digits, "_" and "-". */
export function checkInstanceName(name: string, field = 'Name'): void {
  if ([...name].length >= 60) throw new ApiError('InvalidParameterValue.ParameterLengthLimitError', `The ${field} must be shorter than 60 characters.`);
  if (!/^[\p{Script=Han}A-Za-z0-9_-]*$/u.test(name))
    throw new ApiError('InvalidParameterValue.ParameterCharacterError', `The ${field} may contain only Chinese characters, letters, digits, "_" and "-".`);
}

export type ChargeType = 'PREPAID' | 'POSTPAID_BY_HOUR';

/** InstanceChargeType, case-insensitive as the seed's "prepaid" example shows. Default PREPAID. */
export function parseChargeType(value: string | undefined): ChargeType {
  if (value === undefined || value === '') return 'PREPAID';
  const upper = value.toUpperCase();
  if (upper === 'PREPAID' || upper === 'POSTPAID_BY_HOUR') return upper;
  throw new ApiError('InvalidParameterValue.IllegalInstanceChargeType', `InstanceChargeType "${value}" is invalid; valid values: PREPAID, POSTPAID_BY_HOUR.`);
}

export function checkPeriod(period: number, charge: ChargeType): void {
  if (charge === 'POSTPAID_BY_HOUR' && period !== 1)
    throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Period must be 1 for POSTPAID_BY_HOUR instances (got ${period}).`);
  if (!PREPAID_PERIODS.includes(period))
    throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Period ${period} is invalid; valid values: ${PREPAID_PERIODS.join(', ')}.`);
}

export function checkFlag(value: number | undefined, field: string): 0 | 1 {
  if (value === undefined) return 0;
  if (value !== 0 && value !== 1) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `${field} must be 0 or 1 (got ${value}).`);
  return value;
}

/** Storage: a multiple of 10 GB within the spec's range (CreateInstances, ModifyDBInstanceSpec). */
export function checkStorage(storage: number, spec: { SpecCode: string; MinStorage: number; MaxStorage: number }): void {
  if (storage % 10 !== 0 || storage < spec.MinStorage || storage > spec.MaxStorage)
    throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `Storage must be a multiple of 10 GB between ${spec.MinStorage} and ${spec.MaxStorage} for ${spec.SpecCode} (got ${storage}).`);
}
