// Operator commands that work on the store directly: accounts and key pairs.
import type { Command } from 'commander';
import { loadConfig } from '../core/config.ts';
import { openStore } from '../store/db.ts';
import { SecretBox } from '../core/secrets.ts';
import { createAccount, createKey, listAccounts, listKeys, setKeyStatus } from '../store/accounts.ts';

async function withStore<T>(dataDir: string | undefined, fn: (db: Awaited<ReturnType<typeof openStore>>, box: SecretBox) => Promise<T>): Promise<T> {
  const config = loadConfig({ dataDir });
  const db = await openStore(config.dataDir);
  try {
    return await fn(db, SecretBox.forDataDir(config.dataDir));
  } finally {
    await db.destroy();
  }
}

const print = (json: boolean, value: unknown, table: () => string) => process.stdout.write((json ? JSON.stringify(value, null, 2) : table()) + '\n');

export function registerAdminCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts (each owns its own resources)');
  accounts
    .command('create <name>')
    .description('create an account with one key pair')
    .option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR)
    .option('--output <format>', 'text or json', 'text')
    .action((name: string, o: { dataDir?: string; output: string }) =>
      withStore(o.dataDir, async (db, box) => {
        const account = await createAccount(db, name);
        const key = await createKey(db, box, account.uin);
        print(o.output === 'json', { ...account, ...key }, () =>
          `Uin: ${account.uin}\nAppId: ${account.appId}\nSecretId: ${key.secretId}\nSecretKey: ${key.secretKey}\n(the SecretKey is shown only now)`);
      }));
  accounts
    .command('list')
    .option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR)
    .option('--output <format>', 'text or json', 'text')
    .action((o: { dataDir?: string; output: string }) =>
      withStore(o.dataDir, async (db) => {
        const rows = await listAccounts(db);
        print(o.output === 'json', rows, () => ['UIN           APPID       NAME', ...rows.map((r) => `${r.uin}  ${r.appId}  ${r.name}${r.isDefault ? ' (default)' : ''}`)].join('\n'));
      }));

  const keys = program.command('keys').description('manage API key pairs');
  keys
    .command('create <uin>')
    .option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR)
    .option('--output <format>', 'text or json', 'text')
    .action((uin: string, o: { dataDir?: string; output: string }) =>
      withStore(o.dataDir, async (db, box) => {
        if (!(await listAccounts(db)).some((a) => a.uin === uin)) throw new Error(`no account with uin ${uin}`);
        const key = await createKey(db, box, uin);
        print(o.output === 'json', key, () => `SecretId: ${key.secretId}\nSecretKey: ${key.secretKey}\n(the SecretKey is shown only now)`);
      }));
  keys
    .command('list [uin]')
    .option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR)
    .option('--output <format>', 'text or json', 'text')
    .action((uin: string | undefined, o: { dataDir?: string; output: string }) =>
      withStore(o.dataDir, async (db) => {
        const rows = await listKeys(db, uin);
        print(o.output === 'json', rows, () => ['SECRETID                              UIN           STATUS', ...rows.map((r) => `${r.secretId}  ${r.uin}  ${r.status}`)].join('\n'));
      }));
  keys
    .command('disable <secretId>')
    .option('--data-dir <dir>', 'data directory', process.env.PGCLOUD_DATA_DIR)
    .action((secretId: string, o: { dataDir?: string }) =>
      withStore(o.dataDir, async (db) => {
        if (!(await setKeyStatus(db, secretId, 'Inactive'))) throw new Error(`no key ${secretId}`);
        process.stdout.write(`${secretId} disabled\n`);
      }));
}
