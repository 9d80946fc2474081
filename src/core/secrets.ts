// Secrets at rest (API SecretKeys, later KMS key material) are sealed with AES-256-GCM under a
// master key kept in <data dir>/master.key with mode 0600. The store never holds them in the clear.
import fs from 'node:fs';
import path from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static forDataDir(dataDir: string): SecretBox {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(dataDir, 'master.key');
    try {
      return new SecretBox(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
    } catch (e: any) {
      if (e.code !== 'ENOENT') throw e;
    }
    const key = randomBytes(32);
    try {
      fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      return new SecretBox(key);
    } catch (e: any) {
      // Another process made it first: use theirs.
      if (e.code === 'EEXIST') return SecretBox.forDataDir(dataDir);
      throw e;
    }
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}
