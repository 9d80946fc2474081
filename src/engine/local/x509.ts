// Server certificates for TLS, signed with the openssl command (node:crypto can read and verify X.509
// but not sign it). Private keys are made by node:crypto and reach openssl only as files in a private
// temporary directory (0700, files 0600) removed right after; they never appear on a command line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';

const run = promisify(execFile);

/** An EC P-256 private key as PKCS#8 PEM. */
export function newKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** subjectAltName entry for an address: an IP address or a DNS name. */
const altName = (address: string): string => (net.isIP(address) ? `IP:${address}` : `DNS:${address}`);

async function inPrivateDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-x509-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A CA certificate (10 years) for keyPem, self-signed. */
export async function makeCaCert(keyPem: string, commonName: string): Promise<string> {
  return inPrivateDir(async (dir) => {
    const key = path.join(dir, 'ca.key');
    fs.writeFileSync(key, keyPem, { mode: 0o600 });
    const { stdout } = await run('openssl', [
      'req', '-x509', '-new', '-key', key, '-sha256', '-days', '3650', '-subj', `/O=pgcloud/CN=${commonName}`,
      '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return stdout;
  });
}

/** A server certificate (825 days) for keyPem and the address, signed by the CA. */
export async function issueServerCert(o: { caCertPem: string; caKeyPem: string; keyPem: string; address: string }): Promise<string> {
  return inPrivateDir(async (dir) => {
    const f = (name: string, content: string) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content, { mode: 0o600 });
      return p;
    };
    const key = f('server.key', o.keyPem);
    const caKey = f('ca.key', o.caKeyPem);
    const caCert = f('ca.crt', o.caCertPem);
    const ext = f('ext.cnf', `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${altName(o.address)}\n`);
    const csr = path.join(dir, 'server.csr');
    await run('openssl', ['req', '-new', '-key', key, '-subj', `/O=pgcloud/CN=${o.address}`, '-out', csr]);
    const { stdout } = await run('openssl', [
      'x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-sha256', '-days', '825',
      '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-extfile', ext,
    ]);
    return stdout;
  });
}

/**
 * Whether certPem is a server certificate for the address that this CA signed, for keyPem, valid for
 * at least another 30 days (else a new one is issued).
 */
export function certFits(certPem: string, keyPem: string, caCertPem: string, address: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caCertPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    if (new Date(cert.validTo).getTime() < Date.now() + 30 * 86400_000) return false;
    return net.isIP(address) ? cert.checkIP(address) !== undefined : cert.checkHost(address) !== undefined;
  } catch {
    return false;
  }
}
