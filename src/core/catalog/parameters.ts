// The parameters a tenant may change (parameters.json), and the check of a requested value.
import data from './parameters.json' with { type: 'json' };
import { ApiError } from '../errors.ts';

export interface ParameterEntry {
  id: number;
  name: string;
  type: 'integer' | 'real' | 'bool' | 'enum';
  unit: string;
  min?: number;
  max?: number;
  enum?: string[];
  default: string;
  needReboot: boolean;
  minMajor?: number;
  classEN: string;
  classCN: string;
  descEN: string;
  descCN: string;
}

const ALL = data.parameters as ParameterEntry[];

/** Parameters that exist in this PostgreSQL major, in catalogue order. */
export function parametersFor(major: string): ParameterEntry[] {
  return ALL.filter((p) => !p.minMajor || Number(major) >= p.minMajor);
}

export function parameter(major: string, name: string): ParameterEntry | undefined {
  return parametersFor(major).find((p) => p.name === name);
}

/** The value as PostgreSQL will be given it, or InvalidParameterValue with the allowed range. */
export function normalizeParameter(p: ParameterEntry, value: string): string {
  const v = value.trim();
  const bad = (rule: string) => new ApiError('InvalidParameterValue.InvalidParameterValueError', `The value "${value}" of parameter ${p.name} is invalid: ${rule}.`);
  switch (p.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(v)) throw bad(`an integer between ${p.min} and ${p.max} is expected`);
      const n = Number(v);
      if (n < p.min! || n > p.max!) throw bad(`it must be between ${p.min} and ${p.max}`);
      return String(n);
    }
    case 'real': {
      const n = Number(v);
      if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v) || !Number.isFinite(n)) throw bad(`a number between ${p.min} and ${p.max} is expected`);
      if (n < p.min! || n > p.max!) throw bad(`it must be between ${p.min} and ${p.max}`);
      return String(n);
    }
    case 'bool': {
      const l = v.toLowerCase();
      if (['on', 'true', '1', 'yes'].includes(l)) return 'on';
      if (['off', 'false', '0', 'no'].includes(l)) return 'off';
      throw bad('valid values: on, off');
    }
    case 'enum':
      if (!p.enum!.includes(v)) throw bad(`valid values: ${p.enum!.join(', ')}`);
      return v;
  }
}
