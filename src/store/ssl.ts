// TLS in the store: each account's CA (certificate in the clear, key sealed by the caller's SecretBox)
// and an instance's desired SSL state (instances.ssl_enabled / ssl_address).
import type { Kysely, Selectable } from 'kysely';
import type { AccountCasTable, Database } from './schema.ts';

export type AccountCaRow = Selectable<AccountCasTable>;

export async function findAccountCa(db: Kysely<Database>, uin: string): Promise<AccountCaRow | undefined> {
  return db.selectFrom('account_cas').selectAll().where('uin', '=', uin).executeTakeFirst();
}

export async function findCaByToken(db: Kysely<Database>, token: string): Promise<AccountCaRow | undefined> {
  return db.selectFrom('account_cas').selectAll().where('token', '=', token).executeTakeFirst();
}

/** Stores the account's CA unless it has one already (two reconcilers may race); returns the one kept. */
export async function keepAccountCa(db: Kysely<Database>, row: AccountCaRow): Promise<AccountCaRow> {
  await db.insertInto('account_cas').values(row).onConflict((oc) => oc.column('uin').doNothing()).execute();
  return (await findAccountCa(db, row.uin))!;
}
