// An encrypted (TDE) instance with its KMS key made by the same configuration, an account and
// parameters: tencentcloud_kms_key, tencentcloud_postgresql_instance (need_support_tde, kms_key_id),
// tencentcloud_postgresql_account (password, remark, lock_status) and tencentcloud_postgresql_parameters,
// driven by the real provider; each change checked by logging in and by SHOW on the server.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues } from './support/terraform.ts';
import { TF_PASSWORD, assertInstanceGone, defaultNetwork, eventually, loginRefused, postgresInstance, queryAs, ref } from './support/terraform-postgres.ts';
import { kmsClient } from './support/clients.ts';

const tf = terraformSuite('TDE with a KMS key, tencentcloud_postgresql_account and tencentcloud_postgresql_parameters');

const config = (o: { password: string; remark: string; locked: boolean; logMinDuration: string }) => `
${defaultNetwork()}

resource "tencentcloud_kms_key" "pg" {
  alias                         = "tf-pg-tde"
  description                   = "TDE key of tf-tde"
  is_enabled                    = true
  pending_delete_window_in_days = 7
}

${postgresInstance('pg', { name: 'tf-tde', need_support_tde: 1, kms_key_id: ref('tencentcloud_kms_key.pg.id'), kms_region: 'ap-guangzhou' })}

resource "tencentcloud_postgresql_parameters" "p" {
  db_instance_id = tencentcloud_postgresql_instance.pg.id
  param_list {
    name           = "check_function_bodies"
    expected_value = "off"
  }
  param_list {
    name           = "log_min_duration_statement"
    expected_value = "${o.logMinDuration}"
  }
}

resource "tencentcloud_postgresql_account" "app" {
  db_instance_id = tencentcloud_postgresql_instance.pg.id
  user_name      = "tf_app"
  password       = "${o.password}"
  type           = "normal"
  remark         = "${o.remark}"
  lock_status    = ${o.locked}

  # An account is not created or changed while the instance is "parameter modifying".
  depends_on = [tencentcloud_postgresql_parameters.p]
}
`;

tf.test('TDE instance with its KMS key; an account (password, remark, lock) and parameters changed in place', async () => {
  const ws = await tf.workspace('accounts');
  let state = await ws.applyClean(config({ password: 'Password@123', remark: 'application', locked: false, logMinDuration: '1000' }));
  const pg = resourceValues(state, 'tencentcloud_postgresql_instance.pg');
  const keyId: string = resourceValues(state, 'tencentcloud_kms_key.pg').id;
  const id: string = pg.id;

  // Encrypted with the configuration's key, as the API and the state say.
  assert.deepEqual([pg.need_support_tde, pg.kms_key_id, pg.kms_region], [1, keyId, 'ap-guangzhou']);
  assert.equal((await tf.pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.IsSupportTDE, 1);
  const keys = (await tf.pgc.DescribeEncryptionKeys({ DBInstanceId: id })).EncryptionKeys!;
  assert.deepEqual(keys.map((k) => [k.KeyId, k.KeyRegion]), [[keyId, 'ap-guangzhou']]);
  const kms = kmsClient(tf.svc);
  assert.equal((await kms.DescribeKey({ KeyId: keyId })).KeyMetadata!.KeyState, 'Enabled');

  // The account logs in with its password, as an ordinary (not super) user.
  const [row] = await queryAs(pg, 'tf_app', 'Password@123', 'SELECT current_user AS u, usesuper FROM pg_user WHERE usename = current_user');
  assert.deepEqual([row.u, row.usesuper], ['tf_app', false]);
  const account = async () => (await tf.pgc.DescribeAccounts({ DBInstanceId: id })).Details!.find((a) => a.UserName === 'tf_app')!;
  assert.deepEqual([(await account()).UserType, (await account()).Remark, (await account()).Status], ['normal', 'application', 2]);

  // The parameters are the server's settings.
  const settings = async () =>
    Object.fromEntries(
      (await queryAs(pg, 'root', TF_PASSWORD, "SELECT name, setting FROM pg_settings WHERE name IN ('check_function_bodies', 'log_min_duration_statement')")).map((r) => [r.name, r.setting]),
    );
  await eventually('the settings', settings, { check_function_bodies: 'off', log_min_duration_statement: '1000' });
  const params = resourceValues(state, 'tencentcloud_postgresql_parameters.p').param_list as any[];
  assert.deepEqual(params.map((p) => [p.name, p.expected_value]).sort(), [['check_function_bodies', 'off'], ['log_min_duration_statement', '1000']]);

  // A new password and remark, and a parameter changed: the old password no longer works.
  state = await ws.applyClean(config({ password: 'Password@456', remark: 'application-v2', locked: false, logMinDuration: '2500' }));
  const called = new Set(ws.applyCalls.map((c) => c.action));
  for (const action of ['ResetAccountPassword', 'ModifyAccountRemark', 'ModifyDBInstanceParameters']) assert.ok(called.has(action), `${action} not called: ${[...called].join(', ')}`);
  await eventually('the new password refused', () => loginRefused(pg, 'tf_app', 'Password@456'), false);
  assert.equal(await loginRefused(pg, 'tf_app', 'Password@123'), true);
  assert.equal((await account()).Remark, 'application-v2');
  await eventually('the settings', settings, { check_function_bodies: 'off', log_min_duration_statement: '2500' });

  // Locked: the account can no longer log in (DescribeAccounts Status 5); unlocked again: it can.
  state = await ws.applyClean(config({ password: 'Password@456', remark: 'application-v2', locked: true, logMinDuration: '2500' }));
  assert.equal(resourceValues(state, 'tencentcloud_postgresql_account.app').lock_status, true);
  assert.equal((await account()).Status, 5);
  await eventually('the locked account refused', () => loginRefused(pg, 'tf_app', 'Password@456'), true);
  state = await ws.applyClean(config({ password: 'Password@456', remark: 'application-v2', locked: false, logMinDuration: '2500' }));
  assert.equal(resourceValues(state, 'tencentcloud_postgresql_account.app').lock_status, false);
  await eventually('the unlocked account refused', () => loginRefused(pg, 'tf_app', 'Password@456'), false);

  // Destroy: the instance is gone and its key is scheduled for deletion.
  await ws.destroyClean();
  await assertInstanceGone(tf.svc, tf.pgc, id);
  assert.equal((await kms.DescribeKey({ KeyId: keyId })).KeyMetadata!.KeyState, 'PendingDelete');
});
