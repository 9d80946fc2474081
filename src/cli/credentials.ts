// First start: the default account and its key pair. With PGCLOUD_SECRET_ID/KEY the account gets
// exactly that pair; otherwise a pair is generated, printed once and written to
// <data dir>/credentials.json (mode 0600).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import type { Config } from '../core/config.ts';
import { SECRET_ID_RE, SECRET_KEY_RE } from '../core/accounts.ts';
import { createAccount, createKey, defaultAccount, findKey } from '../store/accounts.ts';

export function credentialsFile(dataDir: string): string {
  return path.join(dataDir, 'credentials.json');
}

export async function ensureDefaultCredentials(db: Store, box: SecretBox, config: Config, log: Logger): Promise<void> {
  if (Boolean(config.secretId) !== Boolean(config.secretKey)) throw new Error('PGCLOUD_SECRET_ID and PGCLOUD_SECRET_KEY must be set together');
  if (config.secretId && !SECRET_ID_RE.test(config.secretId)) throw new Error('PGCLOUD_SECRET_ID must be "AKID" followed by 32 letters or digits');
  if (config.secretKey && !SECRET_KEY_RE.test(config.secretKey)) throw new Error('PGCLOUD_SECRET_KEY must be 32 letters or digits');

  let account = await defaultAccount(db);
  if (!account) account = await createAccount(db, 'default', true);

  if (config.secretId && config.secretKey) {
    const existing = await findKey(db, box, config.secretId);
    if (!existing) await createKey(db, box, account.uin, { secretId: config.secretId, secretKey: config.secretKey });
    else if (existing.secretKey !== config.secretKey || existing.uin !== account.uin)
      throw new Error('PGCLOUD_SECRET_ID is already stored with another SecretKey or account');
    return;
  }
  const file = credentialsFile(config.dataDir);
  if (fs.existsSync(file)) return;
  const pair = await createKey(db, box, account.uin);
  const doc = { secretId: pair.secretId, secretKey: pair.secretKey, uin: account.uin, appId: account.appId };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
  // Printed once, on the terminal only (not through the logger, so it never lands in a log file).
  process.stdout.write(`pgcloud: created the default account's key pair; it is saved in ${file}\n  SecretId:  ${pair.secretId}\n  SecretKey: ${pair.secretKey}\n`);
  log.info({ uin: account.uin, secretId: pair.secretId, file }, 'generated default key pair');
}
