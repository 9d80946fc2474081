// ApiError carries a Tencent Cloud error code (e.g. "InvalidParameterValue.InvalidCharset")
// and an English message; the gateway turns it into the {Response:{Error:{Code,Message}}} envelope.
export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'ApiError';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
