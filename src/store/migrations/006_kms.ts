// KMS and transparent data encryption (issue 5):
// - kms_keys: customer master keys per (account, region); the key material is stored sealed with the
//   data directory's master key (src/core/secrets.ts), never in the clear; owner "user" for CreateKey,
//   "postgres" for the service-managed key TDE uses when no KMSKeyId is given;
// - instances.tde / kms_key_id / kms_region / dek_blob: an instance with TDE keeps the CiphertextBlob of
//   its data key (wrapped by that KMS key); the data key itself is never stored.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('kms_keys')
    .addColumn('key_id', 'text', (c) => c.primaryKey())
    .addColumn('uin', 'text', (c) => c.notNull().references('accounts.uin'))
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('key_usage', 'text', (c) => c.notNull())
    .addColumn('key_state', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('material_enc', 'text', (c) => c.notNull())
    .addColumn('deletion_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kms_keys_alias').on('kms_keys').columns(['uin', 'region', 'alias']).unique().execute();
  await db.schema.alterTable('instances').addColumn('tde', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('kms_key_id', 'text').execute();
  await db.schema.alterTable('instances').addColumn('kms_region', 'text').execute();
  await db.schema.alterTable('instances').addColumn('dek_blob', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['dek_blob', 'kms_region', 'kms_key_id', 'tde']) await db.schema.alterTable('instances').dropColumn(c).execute();
  await db.schema.dropTable('kms_keys').execute();
}
