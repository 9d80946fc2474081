// Issue 15 (day-2 operations), TLS. Each account has one CA (made on first use by the reconciler): its
// certificate in the clear (CAUrl hands it out at /ssl/ca/<token>.crt, the token unguessable), its
// private key sealed by the service's secret box (never in the clear). An instance's SSL state is its
// desired state: ssl_enabled and the connect address its server certificate is for.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('account_cas')
    .addColumn('uin', 'text', (c) => c.primaryKey())
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('instances').addColumn('ssl_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('instances').addColumn('ssl_address', 'text').execute();
}
