// Projects of an account. Project 0 (the default project) always exists and is not stored.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export async function projectExists(db: Kysely<Database>, uin: string, id: number): Promise<boolean> {
  if (id === 0) return true;
  return Boolean(await db.selectFrom('projects').select('id').where('uin', '=', uin).where('id', '=', id).executeTakeFirst());
}
