// Account and key formats: Uin and AppId are numbers shown as in Tencent Cloud, SecretId is
// "AKID" + 32 characters, SecretKey 32 characters.
import { randomInt } from 'node:crypto';
import { randomAlnum } from './ids.ts';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export const newSecretId = (): string => 'AKID' + randomAlnum(32, KEY_ALPHABET);
export const newSecretKey = (): string => randomAlnum(32, KEY_ALPHABET);
export const newUin = (): string => String(100000000000 + randomInt(0, 899999999999));
export const newAppId = (): number => 1250000000 + randomInt(0, 9999999);

export const SECRET_ID_RE = /^AKID[A-Za-z0-9]{32}$/;
export const SECRET_KEY_RE = /^[A-Za-z0-9]{32}$/;
