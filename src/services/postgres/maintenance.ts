// The maintenance window of an instance: start (HH:MM, Beijing time), duration in hours (1-4) and
// the weekdays, lower-case English names as the Terraform provider sends them.
import { ApiError } from '../../core/errors.ts';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function checkStartTime(v: string): string {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  if (!m) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `MaintainStartTime "${v.slice(0, 20)}" is invalid: HH:MM, 00:00 to 23:59 (Beijing time).`);
  return v;
}

export function checkDuration(v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 4) throw new ApiError('InvalidParameterValue.ParameterOutRangeError', `MaintainDuration must be 1 to 4 hours (got ${v}).`);
  return v;
}

/** The weekdays, each once, in week order. */
export function checkWeekDays(days: string[]): string[] {
  if (!days.length) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', 'MaintainWeekDays must name at least one day.');
  const set = new Set<string>();
  for (const d of days) {
    const day = String(d).toLowerCase();
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `MaintainWeekDays: "${String(d).slice(0, 20)}" is invalid; valid values: ${WEEKDAYS.join(', ')}.`);
    set.add(day);
  }
  return WEEKDAYS.filter((d) => set.has(d));
}
