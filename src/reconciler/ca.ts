// Each account's CA, made the first time one of its instances turns SSL on: its certificate is what
// DescribeDBInstanceSSLConfig's CAUrl downloads, its key (sealed in the store) signs the servers'
// certificates. An instance's TLS spec: that CA and the connect address.
import { randomBytes } from 'node:crypto';
import type { InstanceSpec } from '../engine/types.ts';
import type { InstanceRow } from '../store/instances.ts';
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import { findAccountCa, keepAccountCa } from '../store/ssl.ts';
import { makeCaCert, newKeyPem } from '../engine/local/x509.ts';

export async function tlsOf(db: Store, box: SecretBox, row: InstanceRow, host: string, now: Date): Promise<Pick<InstanceSpec, 'tls'>> {
  if (row.ssl_enabled !== 1) return {};
  let ca = await findAccountCa(db, row.uin);
  if (!ca) {
    const keyPem = newKeyPem();
    const certPem = await makeCaCert(keyPem, `pgcloud CA ${row.uin}`);
    ca = await keepAccountCa(db, { uin: row.uin, token: randomBytes(16).toString('hex'), cert_pem: certPem, key_enc: box.seal(keyPem), created_at: now.toISOString() });
  }
  return { tls: { caCertPem: ca.cert_pem, caKeyPem: box.open(ca.key_enc), address: row.ssl_address || host } };
}
