// Identifier formats of the real service: "postgres-" + 8 lowercase alphanumerics,
// Long digit-string bill ids (deal names are counted in the store: nextDealNames), uuid v4 request ids.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

export const newInstanceId = (): string => `postgres-${randomAlnum(8)}`;
export const newVpcId = (): string => `vpc-${randomAlnum(8)}`;
export const newSubnetId = (): string => `subnet-${randomAlnum(8)}`;
export const newSecurityGroupId = (): string => `sg-${randomAlnum(8)}`;
export const newRouteTableId = (): string => `rtb-${randomAlnum(8)}`;
export const newRequestId = (): string => randomUUID();

const digits = (n: number): string => {
  let s = String(randomInt(1, 10));
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
};

/** Bill ids look like 20181225711000768276471 (23 digits). */
export function newBillId(now: Date): string {
  const ymd = now.toISOString().slice(0, 10).replaceAll('-', '');
  return ymd + digits(15);
}

/** Read-only instances: "pgro-" + 8 lowercase alphanumerics; read-only groups: "pgrogrp-" + 8. */
export const newReadOnlyInstanceId = (): string => `pgro-${randomAlnum(8)}`;
export const newReadOnlyGroupId = (): string => `pgrogrp-${randomAlnum(8)}`;
