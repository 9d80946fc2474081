// The `pgcloud` command.
import { Command, Option } from 'commander';
import { serve } from './serve.ts';
import { registerAdminCommands } from './admin.ts';
import { registerClientCommands } from './verbs.ts';
import { registerBillingCommands } from './billing.ts';
import { registerTopCommand } from './top.ts';

const program = new Command();
program.name('pgcloud').description('A PostgreSQL database service with the Tencent Cloud API 3.0 interface of TencentDB for PostgreSQL');

program
  .command('serve')
  .description('serve the API (and run the instances) until interrupted')
  .addOption(new Option('--host <host>', 'address to listen on').env('PGCLOUD_HOST'))
  .addOption(new Option('--port <port>', 'port to listen on').env('PGCLOUD_PORT').argParser((v) => Number(v)))
  .addOption(new Option('--data-dir <dir>', 'where the store, keys and instances live').env('PGCLOUD_DATA_DIR'))
  .action(async (opts: { host?: string; port?: number; dataDir?: string }) => {
    const svc = await serve({ host: opts.host, port: opts.port, dataDir: opts.dataDir });
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`pgcloud: ${signal} received, stopping instances cleanly\n`);
      svc.close().then(
        () => process.exit(0),
        (e) => {
          process.stderr.write(`pgcloud: error while stopping: ${e?.stack ?? e}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

registerAdminCommands(program);
registerClientCommands(program);
registerBillingCommands(program);
registerTopCommand(program);

program.parseAsync(process.argv).catch((e) => {
  process.stderr.write(`pgcloud: ${e?.message ?? e}\n`);
  process.exit(1);
});
