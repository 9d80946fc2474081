// TLS: with spec.tls the server serves TLS (ssl = on in pgcloud.conf) with server.crt/server.key in its
// data directory (0600, the instance user's), a certificate for the connect address issued by the
// tenant's CA; a certificate that still fits (same CA, address and key, not near its end) is kept.
// Without it, ssl = off: sslmode=require clients are refused. After the server: the reload that turns
// it on or off is waited for, so the change is in effect when converge() returns.
import fs from 'node:fs';
import path from 'node:path';
import { certFits, issueServerCert, newKeyPem } from '../x509.ts';
import { writeIfChanged } from '../files.ts';
import { waitReloaded } from './read-only.ts';
import type { Step } from './context.ts';

export const CERT_FILE = 'server.crt';
export const KEY_FILE = 'server.key';

const read = (p: string): string | undefined => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

export const tls: Step = {
  name: 'tls',
  async run(c, engine) {
    const { spec, paths: p, runAs } = c;
    if (!spec.tls) {
      c.conf.ssl = 'off';
      return;
    }
    const certPath = path.join(p.data, CERT_FILE);
    const keyPath = path.join(p.data, KEY_FILE);
    const cert = read(certPath);
    const key = read(keyPath);
    if (!cert || !key || !certFits(cert, key, spec.tls.caCertPem, spec.tls.address)) {
      const keyPem = newKeyPem();
      const certPem = await issueServerCert({ ...spec.tls, keyPem });
      // The key first: a server reloading between the two writes keeps its old pair (PostgreSQL checks they match).
      writeIfChanged(keyPath, keyPem, runAs.chown, 0o600);
      writeIfChanged(certPath, certPem, runAs.chown, 0o600);
      engine.log.info({ id: spec.id, address: spec.tls.address }, 'server certificate issued');
    }
    Object.assign(c.conf, { ssl: 'on', ssl_cert_file: CERT_FILE, ssl_key_file: KEY_FILE });
  },
};

export const tlsLoaded: Step = {
  name: 'tls loaded',
  async run(c) {
    if (c.confChanged && c.reloadedAt) await waitReloaded(c.paths.sock, c.spec.port, c.reloadedAt);
  },
};
