// An error the gateway itself answers with (as opposed to a handler's ApiError). It names a
// message of src/server/messages.ts ("<code>" or "<code>#<variant>") and its arguments, so the
// message can be given in the client's language.
export class GatewayError extends Error {
  readonly code: string;
  constructor(
    readonly key: string,
    readonly args: string[] = [],
  ) {
    super(key);
    this.name = 'GatewayError';
    const hash = key.indexOf('#');
    this.code = hash < 0 ? key : key.slice(0, hash);
  }
}

export const fail = (key: string, ...args: string[]): never => {
  throw new GatewayError(key, args);
};
