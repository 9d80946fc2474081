// DescribeDBInstanceSSLConfig: whether SSL is on, the connect address its certificate is for, and the
// account's CA: CAUrl downloads its certificate from pgcloud itself (/ssl/ca/<token>.crt), CACert is it
// in PEM; ConnectAddress stays what it was while SSL is off. CAJKS/CAP7B (other encodings of the same certificate) are not made: empty.
import { defineAction } from '../../../core/action.ts';
import { findAccountCa } from '../../../store/ssl.ts';
import { findInstance } from '../lifecycle.ts';

export default defineAction<{ DBInstanceId: string }, { SSLEnabled: boolean; CAUrl: string; ConnectAddress: string; CACert: string; CAJKS: string; CAP7B: string }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeDBInstanceSSLConfig',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    const on = row.ssl_enabled === 1;
    const ca = on ? await findAccountCa(ctx.db, row.uin) : undefined;
    return {
      SSLEnabled: on,
      CAUrl: ca ? `http://${ctx.config.host}:${ctx.config.port}/ssl/ca/${ca.token}.crt` : '',
      // Kept while SSL is off (the address it was last on for): the Terraform provider reads it back
      // into connect_address, which a configuration turning SSL off still holds (inferred).
      ConnectAddress: row.ssl_address ?? '',
      CACert: ca?.cert_pem ?? '',
      CAJKS: '',
      CAP7B: '',
    };
  },
});
