// Customer master keys in the store. Material goes in and out sealed by the caller's SecretBox.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, KmsKeysTable } from './schema.ts';
import { SecretBox } from '../core/secrets.ts';
import { newKeyMaterial, openBlob, sealBlob } from '../core/kms.ts';

export type KmsKeyRow = Selectable<KmsKeysTable>;

export async function findKey(db: Kysely<Database>, uin: string, region: string, keyId: string): Promise<KmsKeyRow | undefined> {
  return db.selectFrom('kms_keys').selectAll().where('uin', '=', uin).where('region', '=', region).where('key_id', '=', keyId).executeTakeFirst();
}

export async function insertKey(
  db: Kysely<Database>,
  k: { uin: string; region: string; alias: string; description: string; keyUsage: string; owner: string; materialEnc: string; now: string },
): Promise<KmsKeyRow> {
  const row: KmsKeyRow = {
    key_id: randomUUID(), uin: k.uin, region: k.region, alias: k.alias, description: k.description, key_usage: k.keyUsage,
    key_state: 'Enabled', owner: k.owner, material_enc: k.materialEnc, deletion_date: null, created_at: k.now, updated_at: k.now,
  };
  await db.insertInto('kms_keys').values(row).execute();
  return row;
}

/** Live instances whose data key this key wraps. */
export async function instancesUsingKey(db: Kysely<Database>, keyId: string): Promise<string[]> {
  const rows = await db.selectFrom('instances').select('id').where('kms_key_id', '=', keyId).where('desired_state', '!=', 'destroyed').execute();
  return rows.map((r) => r.id);
}

const boxes = new Map<string, SecretBox>();
/** The data directory's SecretBox (master.key), read once. */
export function boxFor(dataDir: string): SecretBox {
  let box = boxes.get(dataDir);
  if (!box) boxes.set(dataDir, (box = SecretBox.forDataDir(dataDir)));
  return box;
}

export const sealMaterial = (box: SecretBox): { material: Buffer; sealed: string } => {
  const material = newKeyMaterial();
  return { material, sealed: box.seal(material.toString('base64')) };
};
export const openMaterial = (box: SecretBox, row: KmsKeyRow): Buffer => Buffer.from(box.open(row.material_enc), 'base64');

/** The alias of the key pgcloud's postgres service makes for TDE when the client names none ("kms-" is reserved for cloud products). */
export const SERVICE_KEY_ALIAS = 'kms-postgres';

/** The service-managed key of (account, region), made on first use. */
export async function ensureServiceKey(db: Kysely<Database>, box: SecretBox, uin: string, region: string, now: string): Promise<KmsKeyRow> {
  const found = await db.selectFrom('kms_keys').selectAll().where('uin', '=', uin).where('region', '=', region).where('alias', '=', SERVICE_KEY_ALIAS).executeTakeFirst();
  if (found) return found;
  const { sealed } = sealMaterial(box);
  return insertKey(db, { uin, region, alias: SERVICE_KEY_ALIAS, description: 'Transparent data encryption of TencentDB for PostgreSQL (managed by the service)', keyUsage: 'ENCRYPT_DECRYPT', owner: 'postgres', materialEnc: sealed, now });
}

/** A new data key wrapped by the key: its CiphertextBlob (the plaintext goes nowhere). */
export function newWrappedDataKey(box: SecretBox, key: KmsKeyRow, context: string): string {
  return sealBlob(key.key_id, openMaterial(box, key), newKeyMaterial(), context);
}

/** The data key inside a blob made by newWrappedDataKey, as a passphrase (base64); throws when the key cannot open it. */
export function unwrapDataKey(box: SecretBox, key: KmsKeyRow, blob: string, context: string): string {
  const plain = openBlob(openMaterial(box, key), blob, context);
  if (!plain) throw new Error(`the data key of ${context} does not open under KMS key ${key.key_id}`);
  return plain.toString('base64');
}
