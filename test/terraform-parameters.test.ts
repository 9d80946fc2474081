// The provider's parameter resources and data sources against pgcloud, checked against the real server
// (SHOW over a real login) and the official SDK: tencentcloud_postgresql_parameters,
// _parameter_template, _parameter_template_config, _apply_parameter_template_operation, and the data
// sources _parameter_templates and _default_parameters; apply, a plan with no changes, an update, destroy.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues } from './support/terraform.ts';
import { createRequest, login, PASSWORD, waitForStatus } from './support/sdk.ts';

const tf = terraformSuite('postgresql parameters and parameter templates', { env: { PGCLOUD_PREWARM: '16' } });

async function show(instance: any, names: string[]): Promise<Record<string, string>> {
  const c = await login(instance, 'dbadmin', PASSWORD);
  try {
    const out: Record<string, string> = {};
    for (const n of names) out[n] = Object.values((await c.query(`SHOW ${n}`)).rows[0])[0] as string;
    return out;
  } finally {
    await c.end();
  }
}

const config = (id: string, v: { checkBodies: string; lockTimeout: string; asyncAppend: string; description: string }) => `
resource "tencentcloud_postgresql_parameter_template" "tpl" {
  template_name        = "tf-params"
  db_major_version     = "16"
  db_engine            = "postgresql"
  template_description = "${v.description}"

  modify_param_entry_set {
    name           = "lock_timeout"
    expected_value = "${v.lockTimeout}"
  }
  modify_param_entry_set {
    name           = "timezone"
    expected_value = "PRC"
  }
}

resource "tencentcloud_postgresql_parameter_template" "cfg" {
  template_name    = "tf-config"
  db_major_version = "18"
  db_engine        = "postgresql"
}

resource "tencentcloud_postgresql_parameter_template_config" "cfg" {
  template_id = tencentcloud_postgresql_parameter_template.cfg.id
  modify_param_entry_set {
    name           = "min_parallel_index_scan_size"
    expected_value = "64"
  }
  modify_param_entry_set {
    name           = "enable_async_append"
    expected_value = "${v.asyncAppend}"
  }
  modify_param_entry_set {
    name           = "enable_group_by_reordering"
    expected_value = "on"
  }
}

resource "tencentcloud_postgresql_parameters" "p" {
  db_instance_id = "${id}"
  param_list {
    name           = "check_function_bodies"
    expected_value = "${v.checkBodies}"
  }
  param_list {
    name           = "max_standby_streaming_delay"
    expected_value = "45000"
  }
}

resource "tencentcloud_postgresql_apply_parameter_template_operation" "apply" {
  db_instance_id = "${id}"
  template_id    = tencentcloud_postgresql_parameter_template.tpl.id
  depends_on     = [tencentcloud_postgresql_parameters.p]
}

data "tencentcloud_postgresql_parameter_templates" "mine" {
  filters {
    name   = "TemplateName"
    values = ["tf-params", "tf-config"]
  }
  order_by      = "CreateTime"
  order_by_type = "desc"
  depends_on    = [tencentcloud_postgresql_parameter_template.tpl, tencentcloud_postgresql_parameter_template.cfg]
}

data "tencentcloud_postgresql_default_parameters" "d16" {
  db_major_version = "16"
  db_engine        = "postgresql"
}
`;

tf.test('parameters, templates, their config and application, and the data sources: apply, no changes, update, destroy', async () => {
  const pgc = tf.pgc;
  const id = (await pgc.CreateInstances(createRequest({ DBMajorVersion: '16', Name: 'tf-params' }))).DBInstanceIdSet![0]!;
  let instance = await waitForStatus(pgc, id, 'running');
  const ws = await tf.workspace('parameters');

  let state = await ws.applyClean(config(id, { checkBodies: 'off', lockTimeout: '60', asyncAppend: 'on', description: 'made by terraform' }));
  instance = await waitForStatus(pgc, id, 'running');
  // The instance: the parameters resource's values and the applied template's, on the real server.
  assert.deepEqual(await show(instance, ['check_function_bodies', 'max_standby_streaming_delay', 'lock_timeout', 'timezone']), {
    check_function_bodies: 'off', max_standby_streaming_delay: '45s', lock_timeout: '60ms', timezone: 'PRC',
  });
  const p = resourceValues(state, 'tencentcloud_postgresql_parameters.p');
  const list = Object.fromEntries((p.param_list as any[]).map((x) => [x.name, x]));
  assert.equal(list.check_function_bodies.expected_value, 'off');
  assert.equal(list.check_function_bodies.default_value, 'on');
  assert.equal(list.max_standby_streaming_delay.expected_value, '45000');
  // The templates as the SDK sees them.
  const tpl = resourceValues(state, 'tencentcloud_postgresql_parameter_template.tpl');
  const attrs = await pgc.DescribeParameterTemplateAttributes({ TemplateId: tpl.id });
  assert.equal(attrs.TemplateName, 'tf-params');
  assert.equal(attrs.TemplateDescription, 'made by terraform');
  assert.deepEqual(Object.fromEntries(attrs.ParamInfoSet!.map((x) => [x.Name, x.CurrentValue])), { lock_timeout: '60', timezone: 'PRC' });
  const cfgId = resourceValues(state, 'tencentcloud_postgresql_parameter_template.cfg').id;
  const cfg = await pgc.DescribeParameterTemplateAttributes({ TemplateId: cfgId });
  assert.deepEqual(Object.fromEntries(cfg.ParamInfoSet!.map((x) => [x.Name, x.CurrentValue])), { min_parallel_index_scan_size: '64', enable_async_append: 'on', enable_group_by_reordering: 'on' });
  // The data sources.
  const mine = resourceValues(state, 'data.tencentcloud_postgresql_parameter_templates.mine').list as any[];
  // Newest first (Terraform makes the two at once, in either order), as the API lists them.
  const apiMine = (await pgc.DescribeParameterTemplates({ Filters: [{ Name: 'TemplateName', Values: ['tf-params', 'tf-config'] }], OrderBy: 'CreateTime', OrderByType: 'desc' })).ParameterTemplateSet!;
  assert.deepEqual(mine.map((t) => [t.template_id, t.template_name, t.db_major_version, t.db_engine, t.template_description]), apiMine.map((t) => [t.TemplateId, t.TemplateName, t.DBMajorVersion, t.DBEngine, t.TemplateDescription]));
  assert.deepEqual(mine.map((t) => t.template_name).sort(), ['tf-config', 'tf-params']);
  const defaults = resourceValues(state, 'data.tencentcloud_postgresql_default_parameters.d16').param_info_set as any[];
  const api = (await pgc.DescribeDefaultParameters({ DBMajorVersion: '16', DBEngine: 'postgresql' })).ParamInfoSet!;
  assert.equal(defaults.length, api.length);
  const msd = defaults.find((d) => d.name === 'max_standby_streaming_delay');
  assert.equal(msd.default_value, '30000');
  assert.equal(msd.param_value_type, 'integer');
  assert.ok(defaults.find((d) => d.name === 'shared_buffers').spec_relation_set.length > 0);

  // An update: the parameters resource, the template (name kept, description and value changed) and its config.
  state = await ws.applyClean(config(id, { checkBodies: 'on', lockTimeout: '90', asyncAppend: 'off', description: 'changed' }));
  instance = await waitForStatus(pgc, id, 'running');
  assert.equal((await show(instance, ['check_function_bodies'])).check_function_bodies, 'on');
  const attrs2 = await pgc.DescribeParameterTemplateAttributes({ TemplateId: tpl.id });
  assert.equal(attrs2.TemplateDescription, 'changed');
  assert.equal(attrs2.ParamInfoSet!.find((x) => x.Name === 'lock_timeout')!.CurrentValue, '90');
  const cfg2 = await pgc.DescribeParameterTemplateAttributes({ TemplateId: cfgId });
  assert.equal(cfg2.ParamInfoSet!.find((x) => x.Name === 'enable_async_append')!.CurrentValue, 'off');
  // Applying a template is a one-time copy: the instance keeps the value it was given.
  assert.equal((await show(instance, ['lock_timeout'])).lock_timeout, '60ms');

  await ws.destroyClean();
  const left = await pgc.DescribeParameterTemplates({ Filters: [{ Name: 'TemplateName', Values: ['tf-params', 'tf-config'] }] });
  assert.equal(left.TotalCount, 0);
  // Destroying the parameters resource and the operation leaves the instance's values (the provider's delete is a no-op).
  assert.equal((await show(instance, ['check_function_bodies'])).check_function_bodies, 'on');
});
