// The provider's catalogue data sources against pgcloud, each compared with what the official SDK
// gets from the same service: zones, regions, spec infos, instance classes, versions.
import assert from 'node:assert/strict';
import { terraformSuite, resourceValues } from './support/terraform.ts';

const tf = terraformSuite('postgresql catalogue data sources');

const sorted = <T>(xs: T[]) => [...xs].sort();

tf.test('zones, regions, specinfos, db_instance_classes, db_versions and db_instance_versions read what the API answers', async () => {
  const ws = await tf.workspace('datasources');
  const state = await ws.applyClean(`
data "tencentcloud_postgresql_zones" "all" {}
data "tencentcloud_postgresql_regions" "all" {}
data "tencentcloud_postgresql_specinfos" "gz3" {
  availability_zone = "ap-guangzhou-3"
}
data "tencentcloud_postgresql_db_instance_classes" "gz3_16" {
  zone             = "ap-guangzhou-3"
  db_engine        = "postgresql"
  db_major_version = "16"
}
data "tencentcloud_postgresql_db_versions" "all" {}
data "tencentcloud_postgresql_db_versions" "v15" {
  db_major_version = "15"
}
data "tencentcloud_postgresql_db_instance_versions" "all" {}
`);
  const pgc = tf.pgc;

  const zones = resourceValues(state, 'data.tencentcloud_postgresql_zones.all').zone_set as any[];
  const apiZones = (await pgc.DescribeZones({})).ZoneSet!;
  assert.deepEqual(
    zones.map((z) => [z.zone, z.zone_name, z.zone_state, z.zone_id, sorted(z.standby_zone_set)]),
    apiZones.map((z) => [z.Zone, z.ZoneName, z.ZoneState, z.ZoneId, sorted(z.StandbyZoneSet!)]),
  );
  assert.ok(zones.some((z) => z.zone === 'ap-guangzhou-3' && z.zone_state === 'AVAILABLE'));

  const regions = resourceValues(state, 'data.tencentcloud_postgresql_regions.all').region_set as any[];
  const apiRegions = (await pgc.DescribeRegions()).RegionSet!;
  assert.deepEqual(
    regions.map((r) => [r.region, r.region_name, r.region_id, r.region_state]),
    apiRegions.map((r) => [r.Region, r.RegionName, r.RegionId, r.RegionState]),
  );

  const specs = resourceValues(state, 'data.tencentcloud_postgresql_specinfos.gz3').list as any[];
  const product = (await pgc.DescribeProductConfig({ Zone: 'ap-guangzhou-3' })).SpecInfoList![0]!.SpecItemInfoList!;
  assert.ok(specs.length > 0);
  assert.deepEqual(
    specs.map((s) => [s.id, s.memory, s.cpu, s.storage_min, s.storage_max, s.engine_version]),
    product.map((s) => [s.SpecCode, s.Memory! / 1024, s.Cpu, s.MinStorage, s.MaxStorage, s.Version]),
  );

  const classes = resourceValues(state, 'data.tencentcloud_postgresql_db_instance_classes.gz3_16').class_info_set as any[];
  const apiClasses = (await pgc.DescribeClasses({ Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: '16' })).ClassInfoSet!;
  assert.ok(classes.length > 0);
  assert.deepEqual(
    classes.map((c) => [c.spec_code, c.cpu, c.memory, c.min_storage, c.max_storage]),
    apiClasses.map((c) => [c.SpecCode, c.CPU, c.Memory, c.MinStorage, c.MaxStorage]),
  );

  const apiVersions = (await pgc.DescribeDBVersions({})).VersionSet!;
  const versions = resourceValues(state, 'data.tencentcloud_postgresql_db_versions.all').version_set as any[];
  assert.deepEqual(
    versions.map((v) => [v.db_engine, v.db_version, v.db_major_version, v.db_kernel_version, v.status]),
    apiVersions.map((v) => [v.DBEngine, v.DBVersion, v.DBMajorVersion, v.DBKernelVersion, v.Status]),
  );
  // The provider filters DescribeDBVersions itself (db_major_version "15" → only the 15.x kernels).
  const v15 = resourceValues(state, 'data.tencentcloud_postgresql_db_versions.v15').version_set as any[];
  assert.ok(v15.length > 0);
  assert.deepEqual(v15.map((v) => v.db_kernel_version), apiVersions.filter((v) => v.DBMajorVersion === '15').map((v) => v.DBKernelVersion));
  const instanceVersions = resourceValues(state, 'data.tencentcloud_postgresql_db_instance_versions.all').version_set as any[];
  assert.deepEqual(instanceVersions.map((v) => v.db_kernel_version), apiVersions.map((v) => v.DBKernelVersion));

  await ws.destroyClean();
});
