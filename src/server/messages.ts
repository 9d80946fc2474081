// Error messages of the gateway in the two languages the API speaks (X-TC-Language / Language:
// "en-US", the default, or "zh-CN"). Error.Message is for people: clients match on Error.Code.
// A message is named by its code, or by "<code>#<variant>" when one code has several causes.
// Handlers' ApiErrors carry their own (English) message and do not come through this table.

export type Language = 'en-US' | 'zh-CN';

type Template = (...args: string[]) => string;
interface Entry {
  en: Template;
  zh: Template;
}

const typeNames: Record<'en' | 'zh', Record<string, string>> = {
  en: { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean (true or false)', array: 'a list', object: 'a structure' },
  zh: { string: '字符串', integer: '整数', number: '数字', boolean: '布尔值（true 或 false）', array: '数组', object: '结构体' },
};

const t = (en: Template, zh: Template): Entry => ({ en, zh });

const table: Record<string, Entry> = {
  'AuthFailure.InvalidAuthorization': t(
    () => 'The Authorization header of the request is invalid: expected "TC3-HMAC-SHA256 Credential=<SecretId>/<Date>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<signature>".',
    () => '请求头部的 Authorization 不符合腾讯云标准，应为 "TC3-HMAC-SHA256 Credential=<SecretId>/<Date>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<signature>"。',
  ),
  'AuthFailure.InvalidAuthorization#missing': t(
    () => 'The request is not signed: send an Authorization header (TC3-HMAC-SHA256) or the SecretId and Signature parameters (HmacSHA1/HmacSHA256).',
    () => '请求未签名：请携带 Authorization 头部（TC3-HMAC-SHA256），或 SecretId 和 Signature 参数（HmacSHA1/HmacSHA256）。',
  ),
  'AuthFailure.InvalidAuthorization#signedHeaders': t(
    () => 'The SignedHeaders of the Authorization header must include content-type and host.',
    () => 'Authorization 头部的 SignedHeaders 必须包含 content-type 和 host。',
  ),
  'AuthFailure.SecretIdNotFound': t(
    () => 'The SecretId is not found, please ensure that your SecretId is correct and enabled.',
    () => '密钥不存在，请检查 SecretId 是否正确且处于启用状态。',
  ),
  'AuthFailure.SignatureFailure': t(
    () => 'The provided credentials could not be validated. Please check your signature is correct.',
    () => '请求签名验证失败，请检查您的签名计算是否正确。',
  ),
  'AuthFailure.SignatureFailure#scopeDate': t(
    () => 'The provided credentials could not be validated: the date of the credential scope must be the UTC date of X-TC-Timestamp.',
    () => '请求签名验证失败：凭证范围中的日期必须是 X-TC-Timestamp 对应的 UTC 日期。',
  ),
  'AuthFailure.SignatureExpire': t(
    () => 'Signature expired. Timestamp and server time cannot differ by more than five minutes.',
    () => '签名过期。Timestamp 和服务器时间相差不得超过五分钟。',
  ),
  InvalidAction: t(
    (a = '') => `The action \`${a}\` does not exist.`,
    (a = '') => `接口 \`${a}\` 不存在。`,
  ),
  NoSuchVersion: t(
    (v = '', a = '') => `The API version \`${v}\` of the action \`${a}\` does not exist.`,
    (v = '', a = '') => `接口 \`${a}\` 的版本 \`${v}\` 不存在。`,
  ),
  UnsupportedRegion: t(
    (r = '') => `The action does not support the region \`${r}\`.`,
    (r = '') => `接口不支持所传地域 \`${r}\`。`,
  ),
  MissingParameter: t(
    (p = '') => `The request is missing a required parameter \`${p}\`.`,
    (p = '') => `缺少必填参数 \`${p}\`。`,
  ),
  UnknownParameter: t(
    (p = '') => `The parameter \`${p}\` is not recognized.`,
    (p = '') => `未知参数 \`${p}\`。`,
  ),
  InvalidParameter: t(
    (p = '', type = '') => `The value of the parameter \`${p}\` must be ${typeNames.en[type] ?? type}.`,
    (p = '', type = '') => `参数 \`${p}\` 的类型错误，应为${typeNames.zh[type] ?? type}。`,
  ),
  'InvalidParameter#json': t(
    () => 'The request body is not a valid JSON object.',
    () => '请求包体不是合法的 JSON 对象。',
  ),
  'InvalidParameter#form': t(
    () => 'The request parameters are not valid application/x-www-form-urlencoded.',
    () => '请求参数不是合法的 application/x-www-form-urlencoded 格式。',
  ),
  'InvalidParameter#contentType': t(
    () => 'The Content-Type of a POST request must be application/json (TC3-HMAC-SHA256) or application/x-www-form-urlencoded (HmacSHA1/HmacSHA256).',
    () => 'POST 请求的 Content-Type 必须是 application/json（TC3-HMAC-SHA256）或 application/x-www-form-urlencoded（HmacSHA1/HmacSHA256）。',
  ),
  'InvalidParameter#duplicate': t(
    (p = '') => `The parameter \`${p}\` is given more than once.`,
    (p = '') => `参数 \`${p}\` 重复。`,
  ),
  'InvalidParameter#index': t(
    (p = '') => `The array \`${p}\` must be numbered 0, 1, 2, … without gaps.`,
    (p = '') => `数组 \`${p}\` 的下标必须从 0 开始连续编号。`,
  ),
  'InvalidParameter#conflict': t(
    (p = '') => `The parameter \`${p}\` is given both as a value and as a list or structure.`,
    (p = '') => `参数 \`${p}\` 既作为值又作为数组或结构体传入。`,
  ),
  'InvalidParameter#timestamp': t(
    (p = '') => `The parameter \`${p}\` must be a UNIX timestamp in seconds.`,
    (p = '') => `参数 \`${p}\` 必须是以秒为单位的 UNIX 时间戳。`,
  ),
  'InvalidParameter#request': t(
    () => 'The HTTP request is malformed.',
    () => 'HTTP 请求格式错误。',
  ),
  RequestSizeLimitExceeded: t(
    (limit = '') => `The request size exceeds the limit${limit ? ` of ${limit}` : ''}.`,
    (limit = '') => `请求包大小超过限制${limit ? `（${limit}）` : ''}。`,
  ),
  UnsupportedProtocol: t(
    () => 'HTTP(S) request protocol error; only GET and POST requests are supported.',
    () => 'HTTP(S) 请求协议错误，只支持 GET 和 POST 请求。',
  ),
  'UnsupportedProtocol#path': t(
    () => 'API 3.0 requests are sent to the path `/`.',
    () => 'API 3.0 请求的路径必须是 `/`。',
  ),
  RequestLimitExceeded: t(
    (n = '') => `Your request frequency exceeds the limit of this action (${n} per second); please retry later.`,
    (n = '') => `请求的次数超过了接口的频率限制（每秒 ${n} 次），请稍后重试。`,
  ),
  InternalError: t(
    () => 'An internal error occurred.',
    () => '内部错误。',
  ),
};

/** The message named `key` ("<code>" or "<code>#<variant>") in the language asked for. */
export function message(key: string, language: Language, args: readonly string[] = []): string {
  const entry = table[key] ?? table[key.split('#')[0]!];
  if (!entry) return key.split('#')[0]!;
  return language === 'zh-CN' ? entry.zh(...args) : entry.en(...args);
}

/** Every message key, for tests. */
export const messageKeys = (): string[] => Object.keys(table);

/** "zh-CN" when the client asked for it; English otherwise. */
export const pickLanguage = (value: unknown): Language => (value === 'zh-CN' ? 'zh-CN' : 'en-US');
