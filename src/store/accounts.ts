// Accounts and their API key pairs. Every resource row carries its account's uin.
import type { Store } from './db.ts';
import type { SecretBox } from '../core/secrets.ts';
import { newAppId, newSecretId, newSecretKey, newUin } from '../core/accounts.ts';

export interface AccountRow {
  uin: string;
  appId: number;
  name: string;
  isDefault: boolean;
  createdAt: string;
}

export interface KeyPair {
  secretId: string;
  secretKey: string;
}

export interface ActiveKey {
  secretId: string;
  secretKey: string;
  status: string;
  uin: string;
  appId: number;
}

export async function createAccount(db: Store, name: string, isDefault = false): Promise<AccountRow> {
  const row = { uin: newUin(), app_id: newAppId(), name, is_default: isDefault ? 1 : 0, created_at: new Date().toISOString() };
  await db.insertInto('accounts').values(row).execute();
  return { uin: row.uin, appId: row.app_id, name, isDefault, createdAt: row.created_at };
}

export async function listAccounts(db: Store): Promise<AccountRow[]> {
  const rows = await db.selectFrom('accounts').selectAll().orderBy('created_at').execute();
  return rows.map((r) => ({ uin: r.uin, appId: Number(r.app_id), name: r.name, isDefault: r.is_default === 1, createdAt: r.created_at }));
}

export async function defaultAccount(db: Store): Promise<AccountRow | undefined> {
  return (await listAccounts(db)).find((a) => a.isDefault);
}

export async function createKey(db: Store, box: SecretBox, uin: string, pair: KeyPair = { secretId: newSecretId(), secretKey: newSecretKey() }): Promise<KeyPair> {
  await db
    .insertInto('api_keys')
    .values({ secret_id: pair.secretId, uin, secret_key_enc: box.seal(pair.secretKey), status: 'Active', created_at: new Date().toISOString() })
    .execute();
  return pair;
}

export async function listKeys(db: Store, uin?: string): Promise<Array<{ secretId: string; uin: string; status: string; createdAt: string }>> {
  let q = db.selectFrom('api_keys').select(['secret_id', 'uin', 'status', 'created_at']).orderBy('created_at');
  if (uin) q = q.where('uin', '=', uin);
  return (await q.execute()).map((r) => ({ secretId: r.secret_id, uin: r.uin, status: r.status, createdAt: r.created_at }));
}

export async function setKeyStatus(db: Store, secretId: string, status: 'Active' | 'Inactive'): Promise<boolean> {
  const res = await db.updateTable('api_keys').set({ status }).where('secret_id', '=', secretId).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** The key with its account, or undefined when the SecretId is unknown. */
export async function findKey(db: Store, box: SecretBox, secretId: string): Promise<ActiveKey | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.uin', 'api_keys.uin')
    .select(['api_keys.secret_id', 'api_keys.secret_key_enc', 'api_keys.status', 'accounts.uin', 'accounts.app_id'])
    .where('api_keys.secret_id', '=', secretId)
    .executeTakeFirst();
  if (!row) return undefined;
  return { secretId: row.secret_id, secretKey: box.open(row.secret_key_enc), status: row.status, uin: row.uin, appId: Number(row.app_id) };
}
