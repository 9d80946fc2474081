// ModifyDBInstanceSSLConfig: TLS on (a server certificate for ConnectAddress issued by the account's CA)
// or off. Desired state only: the reconciler issues the certificate and reloads the server; the task
// (TaskId) succeeds once the server serves (or stops serving) TLS.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { changeInstance, insertTask } from '../../../store/lifecycle.ts';
import { findInstance, requireStatus, SETTLED, statusDenied } from '../lifecycle.ts';

interface Request {
  DBInstanceId: string;
  SSLEnabled: boolean;
  ConnectAddress?: string;
}

export default defineAction<Request, { TaskId: number }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'ModifyDBInstanceSSLConfig',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
    SSLEnabled: { type: 'boolean', required: true, description: 'true turns SSL on, false off.' },
    ConnectAddress: { type: 'string', description: 'The connect address the certificate protects (the private IP or the VPC IP); required to turn SSL on, ignored to turn it off.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    requireStatus(row, SETTLED, 'ModifyDBInstanceSSLConfig');
    let address: string | null = row.ssl_address;
    if (req.SSLEnabled) {
      if (req.ConnectAddress === undefined || req.ConnectAddress === '')
        throw new ApiError('MissingParameter', 'ConnectAddress is required to turn SSL on.');
      const addresses = [row.host, row.vpc_ip].filter((a): a is string => Boolean(a));
      if (!addresses.includes(req.ConnectAddress))
        throw new ApiError('InvalidParameterValue.InvalidParameterValueError', `ConnectAddress "${req.ConnectAddress}" is not an address of instance ${row.id}; valid values: ${addresses.join(', ')}.`);
      address = req.ConnectAddress;
    }
    const now = ctx.clock.now().toISOString();
    const taskId = await ctx.db.transaction().execute(async (trx) => {
      const gen = await changeInstance(trx, row.id, SETTLED, { ssl_enabled: req.SSLEnabled ? 1 : 0, ssl_address: address, updated_at: now });
      if (gen === undefined) throw statusDenied(row, 'ModifyDBInstanceSSLConfig');
      return insertTask(trx, { uin: ctx.account.uin, instanceId: row.id, type: 'ModifyDBInstanceSSLConfig', generation: gen, input: { SSLEnabled: req.SSLEnabled, ConnectAddress: address ?? '' }, now });
    });
    ctx.log.info({ instance: row.id, ssl: req.SSLEnabled }, 'instance SSL changing');
    ctx.wakeReconciler();
    return { TaskId: taskId };
  },
});
