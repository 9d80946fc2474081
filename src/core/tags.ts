// Tags and six-segment resource names as Tencent Cloud's tag service (2018-08-13) defines them:
// the naming rules of a tag key and value (cloud.tencent.com/document/product/651/13354) and the
// resource description qcs::<service>:<region>:uin/<uin>:<prefix>/<id>. Pure rules: each service
// turns a problem into its own error code.

export type TagPair = { TagKey: string; TagValue: string };

/** The account-wide and per-resource limits of the tag service. */
export const TAG_LIMITS = { perResource: 50, keysPerAccount: 1000, valuesPerKey: 1000, keyLength: 127, valueLength: 255 } as const;

export type TagProblem = 'keyEmpty' | 'keyLength' | 'keyChars' | 'keyReserved' | 'valueEmpty' | 'valueLength' | 'valueChars';

// Letters (any script), digits, inner spaces and + - = . _ : / @ ( ) [ ] , ; > < and the full-width
// + - = / @ （ ） 【 】 ：.
const ALLOWED = /^[\p{L}\p{M}\p{N} +\-=._:/@()[\],;><＋－＝／＠（）【】：]+$/u;
// "qcs:", "project:" and "项目" start the system's own keys; the SDK's message also names qcloud, tencent and project.
const RESERVED_PREFIX = /^(qcs:|project:|项目)/i;
const RESERVED_KEYS = ['qcloud', 'tencent', 'project'];

const length = (s: string): number => [...s].length;

export function tagKeyProblem(key: string): TagProblem | undefined {
  if (key === '') return 'keyEmpty';
  if (length(key) > TAG_LIMITS.keyLength) return 'keyLength';
  if (!ALLOWED.test(key) || key.trim() !== key) return 'keyChars';
  if (RESERVED_PREFIX.test(key) || RESERVED_KEYS.includes(key.toLowerCase())) return 'keyReserved';
  return undefined;
}

/** allowEmpty: the actions whose documented errors do not include TagValueEmpty take an empty value. */
export function tagValueProblem(value: string, allowEmpty: boolean): TagProblem | undefined {
  if (value === '') return allowEmpty ? undefined : 'valueEmpty';
  if (length(value) > TAG_LIMITS.valueLength) return 'valueLength';
  if (!ALLOWED.test(value) || value.trim() !== value) return 'valueChars';
  return undefined;
}

export const TAG_PROBLEM_TEXT: Record<TagProblem, string> = {
  keyEmpty: 'a tag key must not be empty',
  keyLength: `a tag key is at most ${TAG_LIMITS.keyLength} characters`,
  keyChars: 'a tag key takes letters, digits, inner spaces and + - = . _ : / @ ( ) [ ] , ; > < only',
  keyReserved: 'tag keys starting with qcs:, project: or 项目 (and the keys qcloud, tencent, project) are reserved for the system',
  valueEmpty: 'a tag value must not be empty',
  valueLength: `a tag value is at most ${TAG_LIMITS.valueLength} characters`,
  valueChars: 'a tag value takes letters, digits, inner spaces and + - = . _ : / @ ( ) [ ] , ; > < only',
};

/** A six-segment resource description; uin "" is the caller's own account (as the Terraform provider writes them). */
export interface ResourceName {
  service: string;
  region: string;
  uin: string;
  prefix: string;
  id: string;
}

const RESOURCE = /^qcs::([a-z][a-z0-9_-]*):([a-z0-9-]*):uin\/(\d*):([A-Za-z][A-Za-z0-9_-]*)\/([^\s/:]+)$/;

export function parseResourceName(name: string): ResourceName | undefined {
  const m = RESOURCE.exec(name);
  return m ? { service: m[1]!, region: m[2]!, uin: m[3]!, prefix: m[4]!, id: m[5]! } : undefined;
}

export const formatResourceName = (r: ResourceName): string => `qcs::${r.service}:${r.region}:uin/${r.uin}:${r.prefix}/${r.id}`;
