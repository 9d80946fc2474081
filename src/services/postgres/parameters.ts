// Shared rules of the parameter and parameter-template actions: the ParamInfo shape they answer with,
// the DBEngine/DBMajorVersion a template or default list names, and the check of a list of changes.
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { formatApiTime } from '../../core/time.ts';
import { checkValue, parameter, type ParameterEntry } from '../../core/catalog/parameters.ts';
import { creatableVersions } from '../../core/catalog/versions.ts';

export interface ParamInfoOptions {
  current: string;
  lastModified?: string;
  specRelations?: Array<{ memoryMb: number; entry: ParameterEntry }>;
  /** The kernel version the entry describes (DescribeDefaultParameters, templates). */
  kernelVersion?: string;
}

const numeric = (p: ParameterEntry) => p.type === 'integer' || p.type === 'real';

/** ParamInfo (postgres_models.d.ts) of one parameter. */
export function paramInfo(p: ParameterEntry, o: ParamInfoOptions): Record<string, unknown> {
  const range = (e: ParameterEntry) => ({ Unit: e.unit, Max: numeric(e) ? e.max : 0, Min: numeric(e) ? e.min : 0, EnumValue: e.enum ?? [] });
  return {
    ID: p.id,
    Name: p.name,
    ParamValueType: p.type,
    Unit: p.unit,
    DefaultValue: p.default,
    CurrentValue: o.current,
    Max: numeric(p) ? p.max : 0,
    EnumValue: p.enum ?? [],
    Min: numeric(p) ? p.min : 0,
    ParamDescriptionCH: p.descCN,
    ParamDescriptionEN: p.descEN,
    NeedReboot: p.needReboot,
    ClassificationCN: p.classCN,
    ClassificationEN: p.classEN,
    SpecRelated: p.specRelated,
    Advanced: p.advanced,
    LastModifyTime: formatApiTime(o.lastModified),
    StandbyRelated: p.standbyRelated,
    VersionRelationSet: o.kernelVersion ? [{ Name: p.name, DBKernelVersion: o.kernelVersion, Value: p.default, ...range(p) }] : [],
    SpecRelationSet: (o.specRelations ?? []).map((s) => ({ Name: p.name, Memory: `${s.memoryMb / 1024}GB`, Value: s.entry.default, ...range(s.entry) })),
  };
}

/** DBEngine of a template or a default list: postgresql (mssql_compatible is not offered). */
export function checkEngine(engine: string): void {
  if (engine === 'mssql_compatible') throw new ApiError('UnsupportedOperation', 'DBEngine mssql_compatible is not supported by pgcloud; use postgresql.');
  if (engine !== 'postgresql') throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBEngine "${engine}" is invalid; valid values: postgresql, mssql_compatible.`);
}

/** A major version offered here, with the kernel version it runs. */
export function checkMajor(ctx: ActionContext, major: string): { kernelVersion: string } {
  const v = creatableVersions(ctx.catalog).find((x) => x.DBMajorVersion === major);
  if (!v) {
    const offered = [...new Set(creatableVersions(ctx.catalog).map((x) => x.DBMajorVersion))].join(', ');
    throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `DBMajorVersion "${major}" is invalid; valid values: ${offered}.`);
  }
  return { kernelVersion: v.DBKernelVersion };
}

/** The catalogue entry of a parameter named in a request, or InvalidParameterValue naming the major. */
export function requireParameter(major: string, name: string, lookup: (n: string) => ParameterEntry | undefined = (n) => parameter(major, n)): ParameterEntry {
  const p = lookup(name);
  if (!p) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Parameter ${JSON.stringify(name.slice(0, 64))} does not exist or cannot be changed on PostgreSQL ${major}; see DescribeDefaultParameters.`);
  return p;
}

/**
 * Checks a list of changes (ParamList, ModifyParamEntrySet): each name once, each a parameter of the
 * major, each value of its type, range and enum. Returns name → the value as the server is given it.
 */
export function checkChanges(major: string, entries: Array<{ Name: string; ExpectedValue: string }>, lookup?: (n: string) => ParameterEntry | undefined): Array<{ entry: ParameterEntry; given: string; value: string }> {
  const seen = new Set<string>();
  return entries.map(({ Name, ExpectedValue }) => {
    if (seen.has(Name)) throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `Parameter ${Name} is given more than once.`);
    seen.add(Name);
    const entry = requireParameter(major, Name, lookup);
    return { entry, given: ExpectedValue, value: checkValue(entry, ExpectedValue) };
  });
}

/**
 * Template names and descriptions: digits, letters, Chinese and _-./()（）[]+=：:@ (the reference);
 * descriptions may also have spaces (the vendor's DescribeParameterTemplates example: "my template1").
 */
export function checkTemplateText(field: 'TemplateName' | 'TemplateDescription', v: string): void {
  const n = [...v].length;
  if (field === 'TemplateName' ? n < 1 || n > 60 : n > 60)
    throw new ApiError('InvalidParameterValue.ParameterLengthLimitError', `${field} must be ${field === 'TemplateName' ? '1' : '0'}-60 characters long (got ${n}).`);
  const allowed = field === 'TemplateName' ? /^[\p{Script=Han}A-Za-z0-9_\-./()（）[\]+=：:@]*$/u : /^[\p{Script=Han}A-Za-z0-9_\-./()（）[\]+=：:@ ]*$/u;
  if (!allowed.test(v))
    throw new ApiError('InvalidParameterValue.ParameterCharacterError', `${field} may contain only digits, letters, Chinese characters and _-./()（）[]+=：:@.`);
}
