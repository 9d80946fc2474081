// The catalogue (data files, loadCatalog, version resolution, value checks) and the Describe* actions
// that read it, called directly with a minimal ActionContext.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { loadCatalog } from '../src/core/catalog/index.ts';
import { resolveVersion, requireMajor, newestOfMajor, availableVersionsText } from '../src/core/catalog/versions.ts';
import { normaliseDBEngine, normaliseStorageType, requireRegion, requireZone, specsFor } from '../src/core/catalog/rules.ts';
import { STORAGE_TYPES, type Catalog, type VersionEntry } from '../src/core/catalog/types.ts';
import { ApiError } from '../src/core/errors.ts';
import { loadConfig } from '../src/core/config.ts';
import type { ActionContext, ActionDefinition } from '../src/core/action.ts';
import DescribeZones from '../src/services/postgres/actions/DescribeZones.ts';
import DescribeDBVersions from '../src/services/postgres/actions/DescribeDBVersions.ts';
import DescribeClasses from '../src/services/postgres/actions/DescribeClasses.ts';
import DescribeProductConfig from '../src/services/postgres/actions/DescribeProductConfig.ts';

const ALL_INSTALLED = [
  { major: '10', version: '10.23' },
  { major: '11', version: '11.22' },
  { major: '12', version: '12.22' },
  { major: '13', version: '13.23' },
  { major: '14', version: '14.23' },
  { major: '15', version: '15.18' },
  { major: '16', version: '16.14' },
  { major: '17', version: '17.10' },
  { major: '18', version: '18.4' },
];

const SEED_REGIONS = [
  'ap-bangkok', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-guangzhou', 'ap-hongkong', 'ap-jakarta', 'ap-nanjing', 'ap-seoul',
  'ap-shanghai', 'ap-shanghai-fsi', 'ap-shenzhen-fsi', 'ap-singapore', 'ap-tokyo', 'eu-frankfurt', 'na-ashburn', 'na-siliconvalley', 'sa-saopaulo',
];

/** Asserts that fn throws an ApiError with this code (and, optionally, a message matching re). */
function throwsApi(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

async function rejectsApi(p: Promise<unknown>, code: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

function ctxFor(catalog: Catalog, region = 'ap-guangzhou'): ActionContext {
  return {
    account: { uin: '100000000001', appId: 1250000000 },
    region,
    requestId: '00000000-0000-4000-8000-000000000000',
    language: 'en-US',
    db: undefined as unknown as ActionContext['db'], // the catalogue actions never touch the store
    clock: { now: () => new Date('2025-01-01T00:00:00Z') },
    config: loadConfig({}, {}),
    catalog,
    log: pino({ level: 'silent' }),
    wakeReconciler: () => {},
  };
}

const call = <Req, Res extends Record<string, unknown>>(a: ActionDefinition<Req, Res>, ctx: ActionContext, req: Req) => a.handle(ctx, req);

describe('catalogue data', () => {
  const c = loadCatalog(ALL_INSTALLED);

  test('has exactly the 18 seed regions, with the ids seen on the real service', () => {
    assert.deepEqual(c.regions.map((r) => r.Region).sort(), [...SEED_REGIONS].sort());
    const ids = Object.fromEntries(c.regions.map((r) => [r.Region, r.RegionId]));
    assert.equal(ids['ap-guangzhou'], 1);
    assert.equal(ids['ap-shanghai'], 4);
    assert.equal(ids['ap-shanghai-fsi'], 7);
    assert.equal(ids['ap-beijing'], 8);
    assert.equal(ids['na-siliconvalley'], 15);
    assert.equal(ids['ap-chengdu'], 16);
    assert.equal(new Set(c.regions.map((r) => r.RegionId)).size, c.regions.length, 'region ids are unique');
    assert.equal(c.region('ap-guangzhou')?.RegionName, 'South China (Guangzhou)');
    for (const r of c.regions) {
      assert.equal(r.RegionState, 'AVAILABLE');
      assert.ok(r.RegionName.length > 0);
      assert.ok(r.SupportInternational === 0 || r.SupportInternational === 1);
    }
  });

  test('zones: every region has one, names and ids are consistent, standby sets are sound', () => {
    const zoneNames = new Set(c.zones.map((z) => z.Zone));
    assert.equal(zoneNames.size, c.zones.length, 'zone names are unique');
    assert.equal(new Set(c.zones.map((z) => z.ZoneId)).size, c.zones.length, 'zone ids are unique');
    for (const r of c.regions) assert.ok(c.zonesOf(r.Region).some((z) => z.ZoneState === 'AVAILABLE'), `${r.Region} sells somewhere`);
    for (const z of c.zones) {
      assert.ok(c.region(z.Region), `${z.Zone} belongs to a known region`);
      assert.match(z.Zone, new RegExp(`^${z.Region}-\\d+$`));
      assert.match(z.ZoneName, /区$/);
      assert.ok(z.ZoneSupportIpv6 === 0 || z.ZoneSupportIpv6 === 1);
      for (const s of z.StandbyZoneSet) {
        assert.equal(c.zone(s)?.Region, z.Region, `${z.Zone} standby ${s} is in the same region`);
        assert.equal(c.zone(s)?.ZoneState, 'AVAILABLE');
      }
      if (z.ZoneState === 'AVAILABLE') assert.ok(z.StandbyZoneSet.includes(z.Zone), `${z.Zone} may have its standby in itself`);
    }
    const gz3 = c.zone('ap-guangzhou-3')!;
    assert.deepEqual(
      { Zone: gz3.Zone, ZoneName: gz3.ZoneName, ZoneId: gz3.ZoneId, ZoneState: gz3.ZoneState, ZoneSupportIpv6: gz3.ZoneSupportIpv6 },
      { Zone: 'ap-guangzhou-3', ZoneName: '广州三区', ZoneId: 100003, ZoneState: 'AVAILABLE', ZoneSupportIpv6: 1 },
    );
    assert.equal(c.zone('ap-guangzhou-2')?.ZoneState, 'AVAILABLE');
    assert.ok(gz3.StandbyZoneSet.includes('ap-guangzhou-2'));
  });

  test('specs: the documented codes are present with the documented figures', () => {
    const pick = (code: string) => {
      const s = c.spec(code);
      assert.ok(s, code);
      return { CPU: s.CPU, Memory: s.Memory, MinStorage: s.MinStorage, MaxStorage: s.MaxStorage, QPS: s.QPS };
    };
    assert.deepEqual(pick('cdb.pg.z1.2g'), { CPU: 1, Memory: 2048, MinStorage: 10, MaxStorage: 1000, QPS: 2100 });
    assert.deepEqual(pick('cdb.pg.sh1.128g'), { CPU: 16, Memory: 131072, MinStorage: 1000, MaxStorage: 3000, QPS: 79000 });
    for (const code of ['pg.it.small2', 'pg.it.medium4', 'cdb.pg.ts1.2g']) assert.ok(c.spec(code), code);
    assert.equal(c.spec('pg.it.small2')?.Memory, 2048);
    assert.equal(c.spec('pg.it.medium4')?.CPU, 2);
    assert.equal(new Set(c.specs.map((s) => s.SpecCode)).size, c.specs.length, 'spec codes are unique');
    for (const s of c.specs) {
      assert.ok(s.CPU >= 1 && Number.isInteger(s.CPU), s.SpecCode);
      assert.ok(s.Memory >= 2048 && s.Memory % 1024 === 0, `${s.SpecCode} memory is whole GB in MB`);
      assert.ok(s.MinStorage >= 10 && s.MinStorage % 10 === 0 && s.MaxStorage > s.MinStorage && s.MaxStorage % 10 === 0, s.SpecCode);
      assert.ok(s.StorageTypes.length > 0 && s.StorageTypes.every((t) => (STORAGE_TYPES as readonly string[]).includes(t)), s.SpecCode);
      assert.ok(s.Type.length > 0);
    }
    for (const t of STORAGE_TYPES) assert.ok(specsFor(c, t).some((s) => s.CPU === 1 && s.Memory === 2048), `1c/2g on sale for ${t}`);
  });
});

describe('loadCatalog', () => {
  test('offers one version per installed major, oldest first, with DBVersion and kernel from the binaries', () => {
    const c = loadCatalog(ALL_INSTALLED);
    assert.deepEqual(
      c.versions.map((v) => [v.DBMajorVersion, v.DBVersion, v.DBKernelVersion]),
      ALL_INSTALLED.map((i) => [i.major, i.version, `v${i.version}_r1.0`]),
    );
    for (const v of c.versions) {
      assert.equal(v.DBEngine, 'postgresql');
      assert.equal(v.Status, 'AVAILABLE');
      assert.deepEqual(v.SupportedFeatureNames, []);
      assert.deepEqual(v.AvailableUpgradeTarget, []);
    }
  });

  test('a different installed minor wins over the seed data; package-style versions are cut to major.minor', () => {
    const c = loadCatalog([{ major: '15', version: '15.19' }, { major: '16', version: '16.14.0-beta.17' }]);
    assert.deepEqual(c.versions.map((v) => [v.DBVersion, v.DBKernelVersion]), [['15.19', 'v15.19_r1.0'], ['16.14', 'v16.14_r1.0']]);
  });

  test('majors not installed are left out, installed majors unknown to versions.json are not offered, order is numeric', () => {
    const c = loadCatalog([{ major: '18', version: '18.4' }, { major: '9', version: '9.6.24' }, { major: '10', version: '10.23' }, { major: '99', version: '99.1' }]);
    assert.deepEqual(c.versions.map((v) => v.DBMajorVersion), ['10', '18']);
    assert.deepEqual(loadCatalog([]).versions, []);
  });

  test('two installs of one major: the newest minor is offered', () => {
    const c = loadCatalog([{ major: '15', version: '15.9' }, { major: '15', version: '15.18' }, { major: '15', version: '15.10' }]);
    assert.deepEqual(c.versions.map((v) => v.DBVersion), ['15.18']);
  });

  test('lookups and fresh copies', () => {
    const a = loadCatalog(ALL_INSTALLED);
    assert.equal(a.region('ap-nowhere'), undefined);
    assert.equal(a.zone('ap-guangzhou-99'), undefined);
    assert.equal(a.spec('nope'), undefined);
    assert.deepEqual(a.zonesOf('ap-nowhere'), []);
    assert.deepEqual(a.zonesOf('ap-guangzhou').map((z) => z.Zone), ['ap-guangzhou-2', 'ap-guangzhou-3', 'ap-guangzhou-4', 'ap-guangzhou-6', 'ap-guangzhou-7']);
    a.zones[0]!.ZoneName = 'mutated';
    const b = loadCatalog(ALL_INSTALLED);
    assert.notEqual(b.zones[0]!.ZoneName, 'mutated', 'catalogues do not share mutable data');
  });
});

describe('resolveVersion', () => {
  const c = loadCatalog(ALL_INSTALLED);
  const v = (major: string): VersionEntry => c.versions.find((x) => x.DBMajorVersion === major)!;

  test('DBMajorVersion picks the newest kernel of that major', () => {
    assert.equal(resolveVersion(c, { DBMajorVersion: '15' }), v('15'));
    assert.equal(resolveVersion(c, { DBMajorVersion: '18' }).DBKernelVersion, 'v18.4_r1.0');
    assert.equal(resolveVersion(c, { DBMajorVersion: ' 12 ' }), v('12'));
  });

  test('DBVersion and DBKernelVersion naming the newest of their major are accepted', () => {
    assert.equal(resolveVersion(c, { DBVersion: '16.14' }), v('16'));
    assert.equal(resolveVersion(c, { DBKernelVersion: 'v10.23_r1.0' }), v('10'));
  });

  test('agreeing combinations are accepted', () => {
    assert.equal(resolveVersion(c, { DBMajorVersion: '15', DBVersion: '15.18' }), v('15'));
    assert.equal(resolveVersion(c, { DBMajorVersion: '15', DBKernelVersion: 'v15.18_r1.0' }), v('15'));
    assert.equal(resolveVersion(c, { DBMajorVersion: '15', DBVersion: '15.18', DBKernelVersion: 'v15.18_r1.0' }), v('15'));
    assert.equal(resolveVersion(c, { DBMajorVersion: '', DBVersion: '17.10', DBKernelVersion: '' }), v('17'), 'empty strings count as absent');
  });

  test('a major that is not installed → InvalidParameterValue listing the majors', () => {
    throwsApi(() => resolveVersion(c, { DBMajorVersion: '9' }), 'InvalidParameterValue', /DBMajorVersion 9 is not available; available major versions: 10, 11, .*18$/);
    throwsApi(() => resolveVersion(c, { DBMajorVersion: '15.18' }), 'InvalidParameterValue', /DBMajorVersion 15\.18/);
  });

  test('a DBVersion that is not installed → InvalidParameterValue listing the versions', () => {
    throwsApi(
      () => resolveVersion(c, { DBVersion: '12.4' }),
      'InvalidParameterValue',
      /^DBVersion 12\.4 is not available; available versions: 10\.23 \(v10\.23_r1\.0\), 11\.22 \(v11\.22_r1\.0\), .*18\.4 \(v18\.4_r1\.0\)$/,
    );
    // Terraform's default when no version is configured.
    throwsApi(() => resolveVersion(c, { DBVersion: '10.4' }), 'InvalidParameterValue', /DBVersion 10\.4 is not available/);
  });

  test('a DBKernelVersion that is not installed → InvalidParameterValue', () => {
    throwsApi(() => resolveVersion(c, { DBKernelVersion: 'v12.4_r1.0' }), 'InvalidParameterValue', /DBKernelVersion v12\.4_r1\.0 is not available; available versions: /);
    throwsApi(() => resolveVersion(c, { DBKernelVersion: 'v15.18_r1.5' }), 'InvalidParameterValue', /DBKernelVersion v15\.18_r1\.5 is not available/);
  });

  test('an older minor or kernel of an offered major → InvalidParameterValue naming the newest', () => {
    const withOld: Catalog = { ...c, versions: [{ ...v('15'), DBVersion: '15.17', DBKernelVersion: 'v15.17_r1.0' }, ...c.versions] };
    throwsApi(() => resolveVersion(withOld, { DBVersion: '15.17' }), 'InvalidParameterValue', /only the newest minor version of major 15 can be \(15\.18\)/);
    throwsApi(() => resolveVersion(withOld, { DBKernelVersion: 'v15.17_r1.0' }), 'InvalidParameterValue', /only the newest kernel version of major 15 can be \(v15\.18_r1\.0\)/);
    assert.equal(resolveVersion(withOld, { DBMajorVersion: '15' }).DBVersion, '15.18');
    const upgradeOnly: Catalog = { ...c, versions: [{ ...v('15'), DBVersion: '15.19', DBKernelVersion: 'v15.19_r1.0', Status: 'UPGRADE_ONLY' }, ...c.versions] };
    assert.equal(resolveVersion(upgradeOnly, { DBMajorVersion: '15' }).DBVersion, '15.18', 'UPGRADE_ONLY versions are not created');
    throwsApi(() => resolveVersion(upgradeOnly, { DBVersion: '15.19' }), 'InvalidParameterValue', /can be \(15\.18\)/);
  });

  test('none given → InvalidParameterValue naming the three parameters', () => {
    throwsApi(() => resolveVersion(c, {}), 'InvalidParameterValue', /One of DBMajorVersion, DBVersion or DBKernelVersion is required.*available versions: 10\.23/);
    throwsApi(() => resolveVersion(c, { DBMajorVersion: '', DBVersion: '  ' }), 'InvalidParameterValue', /is required/);
  });

  test('disagreeing parameters → InvalidParameterValue', () => {
    throwsApi(() => resolveVersion(c, { DBMajorVersion: '15', DBVersion: '16.14' }), 'InvalidParameterValue', /DBMajorVersion 15 and DBVersion 16\.14 name different versions/);
    throwsApi(() => resolveVersion(c, { DBVersion: '15.18', DBKernelVersion: 'v16.14_r1.0' }), 'InvalidParameterValue', /DBVersion 15\.18 and DBKernelVersion v16\.14_r1\.0/);
    throwsApi(() => resolveVersion(c, { DBMajorVersion: '15', DBVersion: '15.18', DBKernelVersion: 'v14.23_r1.0' }), 'InvalidParameterValue', /different versions/);
  });

  test('nothing installed', () => {
    const empty = loadCatalog([]);
    throwsApi(() => resolveVersion(empty, { DBMajorVersion: '15' }), 'InvalidParameterValue', /available major versions: none/);
    assert.equal(availableVersionsText(empty), 'none');
    assert.equal(newestOfMajor(empty, '15'), undefined);
  });

  test('requireMajor names the field it checks', () => {
    assert.equal(requireMajor(c, '13'), v('13'));
    throwsApi(() => requireMajor(c, '8', 'DBMajorVersion'), 'InvalidParameterValue', /^DBMajorVersion 8 is not available/);
  });
});

describe('catalogue rules', () => {
  const c = loadCatalog(ALL_INSTALLED);

  test('requireRegion', () => {
    assert.equal(requireRegion(c, 'ap-guangzhou').RegionId, 1);
    throwsApi(() => requireRegion(c, 'ap-mars'), 'UnsupportedRegion', /Region ap-mars is not supported.*ap-guangzhou/);
    throwsApi(() => requireRegion(c, ''), 'UnsupportedRegion', /empty region/);
  });

  test('requireZone: unknown zone or zone of another region → InvalidParameterValue.IllegalZone', () => {
    assert.equal(requireZone(c, 'ap-guangzhou', 'ap-guangzhou-3').ZoneId, 100003);
    throwsApi(() => requireZone(c, 'ap-guangzhou', 'ap-guangzhou-1'), 'InvalidParameterValue.IllegalZone', /zones of ap-guangzhou: ap-guangzhou-2, /);
    throwsApi(() => requireZone(c, 'ap-guangzhou', 'ap-shanghai-2'), 'InvalidParameterValue.IllegalZone', /not an availability zone of region ap-guangzhou/);
    throwsApi(() => requireZone(c, 'ap-guangzhou', ''), 'InvalidParameterValue.IllegalZone');
  });

  test('normaliseStorageType', () => {
    assert.equal(normaliseStorageType(undefined), 'PHYSICAL_LOCAL_SSD');
    assert.equal(normaliseStorageType(''), 'PHYSICAL_LOCAL_SSD');
    assert.equal(normaliseStorageType('cloud_ssd'), 'CLOUD_SSD');
    for (const t of STORAGE_TYPES) assert.equal(normaliseStorageType(t), t);
    throwsApi(() => normaliseStorageType('FLOPPY'), 'InvalidParameterValue', /StorageType FLOPPY is invalid; valid values: PHYSICAL_LOCAL_SSD, CLOUD_PREMIUM, CLOUD_SSD, CLOUD_HSSD/);
  });

  test('normaliseDBEngine', () => {
    assert.equal(normaliseDBEngine(undefined), 'postgresql');
    assert.equal(normaliseDBEngine('postgresql'), 'postgresql');
    assert.equal(normaliseDBEngine('PostgreSQL'), 'postgresql');
    throwsApi(() => normaliseDBEngine('mssql_compatible'), 'UnsupportedOperation', /mssql_compatible .* not supported/);
    throwsApi(() => normaliseDBEngine('mysql'), 'InvalidParameterValue', /DBEngine mysql is invalid/);
  });
});

describe('DescribeZones', () => {
  const c = loadCatalog(ALL_INSTALLED);

  test('definition', () => {
    assert.equal(DescribeZones.name, 'DescribeZones');
    assert.equal(DescribeZones.service, 'postgres');
    assert.equal(DescribeZones.version, '2017-03-12');
    assert.deepEqual(Object.keys(DescribeZones.request), ['StorageType']);
  });

  test('zones of the request region with exactly the ZoneInfo fields', async () => {
    const res = await call(DescribeZones, ctxFor(c), {});
    assert.equal(res.TotalCount, 5);
    assert.equal(res.ZoneSet.length, 5);
    const gz3 = res.ZoneSet.find((z) => z.Zone === 'ap-guangzhou-3')!;
    assert.deepEqual(Object.keys(gz3).sort(), ['StandbyZoneSet', 'Zone', 'ZoneId', 'ZoneName', 'ZoneState', 'ZoneSupportIpv6']);
    assert.deepEqual(gz3, {
      Zone: 'ap-guangzhou-3',
      ZoneName: '广州三区',
      ZoneId: 100003,
      ZoneState: 'AVAILABLE',
      ZoneSupportIpv6: 1,
      StandbyZoneSet: ['ap-guangzhou-2', 'ap-guangzhou-3', 'ap-guangzhou-4', 'ap-guangzhou-6', 'ap-guangzhou-7'],
    });
    const sh = await call(DescribeZones, ctxFor(c, 'ap-shanghai'), { StorageType: 'CLOUD_SSD' });
    assert.ok(sh.ZoneSet.every((z) => z.Zone.startsWith('ap-shanghai-') && !z.Zone.startsWith('ap-shanghai-fsi')));
    const bj = await call(DescribeZones, ctxFor(c, 'ap-beijing'), {});
    assert.equal(bj.ZoneSet.find((z) => z.Zone === 'ap-beijing-1')?.ZoneState, 'SELLOUT', 'sold-out zones are listed with their state');
  });

  test('every seed region answers', async () => {
    for (const r of SEED_REGIONS) assert.ok((await call(DescribeZones, ctxFor(c, r), {})).TotalCount >= 1, r);
  });

  test('errors', async () => {
    await rejectsApi(call(DescribeZones, ctxFor(c), { StorageType: 'TAPE' }), 'InvalidParameterValue');
    await rejectsApi(call(DescribeZones, ctxFor(c, 'ap-mars'), {}), 'UnsupportedRegion');
  });
});

describe('DescribeDBVersions', () => {
  test('one Version per installed major with exactly the documented fields', async () => {
    const c = loadCatalog(ALL_INSTALLED);
    const res = await call(DescribeDBVersions, ctxFor(c), {});
    assert.equal(res.VersionSet.length, 9);
    assert.deepEqual(res.VersionSet.find((v) => v.DBMajorVersion === '15'), {
      DBEngine: 'postgresql',
      DBVersion: '15.18',
      DBMajorVersion: '15',
      DBKernelVersion: 'v15.18_r1.0',
      SupportedFeatureNames: [],
      Status: 'AVAILABLE',
      AvailableUpgradeTarget: [],
    });
    assert.deepEqual(res.VersionSet.map((v) => v.DBVersion), ALL_INSTALLED.map((i) => i.version));
  });

  test('only installed versions, storage type checked', async () => {
    const c = loadCatalog([{ major: '16', version: '16.14' }]);
    const res = await call(DescribeDBVersions, ctxFor(c), { StorageType: 'CLOUD_HSSD' });
    assert.deepEqual(res.VersionSet.map((v) => v.DBKernelVersion), ['v16.14_r1.0']);
    await rejectsApi(call(DescribeDBVersions, ctxFor(c), { StorageType: 'x' }), 'InvalidParameterValue');
  });
});

describe('DescribeClasses', () => {
  const c = loadCatalog(ALL_INSTALLED);

  test('definition: Zone, DBEngine, DBMajorVersion required', () => {
    assert.equal(DescribeClasses.request.Zone?.required, true);
    assert.equal(DescribeClasses.request.DBEngine?.required, true);
    assert.equal(DescribeClasses.request.DBMajorVersion?.required, true);
    assert.ok(!DescribeClasses.request.StorageType?.required);
  });

  test('specs for the default storage type with exactly the ClassInfo fields', async () => {
    const res = await call(DescribeClasses, ctxFor(c), { Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: '12' });
    assert.equal(res.ClassInfoSet.length, c.specs.filter((s) => s.StorageTypes.includes('PHYSICAL_LOCAL_SSD')).length);
    assert.deepEqual(res.ClassInfoSet.find((x) => x.SpecCode === 'cdb.pg.sh1.128g'), {
      SpecCode: 'cdb.pg.sh1.128g',
      CPU: 16,
      Memory: 131072,
      MaxStorage: 3000,
      MinStorage: 1000,
      QPS: 79000,
    });
    assert.ok(res.ClassInfoSet.some((x) => x.SpecCode === 'cdb.pg.z1.2g'));
  });

  test('StorageType filters specs', async () => {
    const res = await call(DescribeClasses, ctxFor(c), { Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: '16', StorageType: 'CLOUD_SSD' });
    assert.ok(res.ClassInfoSet.length > 0);
    const codes = new Set(res.ClassInfoSet.map((x) => x.SpecCode));
    for (const s of c.specs) assert.equal(codes.has(s.SpecCode), s.StorageTypes.includes('CLOUD_SSD'), s.SpecCode);
  });

  test('a sold-out zone has nothing on sale', async () => {
    const res = await call(DescribeClasses, ctxFor(c, 'ap-beijing'), { Zone: 'ap-beijing-1', DBEngine: 'postgresql', DBMajorVersion: '16' });
    assert.deepEqual(res.ClassInfoSet, []);
  });

  test('errors', async () => {
    const ok = { Zone: 'ap-guangzhou-3', DBEngine: 'postgresql', DBMajorVersion: '15' };
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, Zone: 'ap-guangzhou-9' }), 'InvalidParameterValue.IllegalZone');
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, Zone: 'ap-shanghai-2' }), 'InvalidParameterValue.IllegalZone');
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, DBEngine: 'mssql_compatible' }), 'UnsupportedOperation');
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, DBEngine: 'oracle' }), 'InvalidParameterValue');
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, DBMajorVersion: '9' }), 'InvalidParameterValue', /DBMajorVersion 9 is not available/);
    await rejectsApi(call(DescribeClasses, ctxFor(loadCatalog([{ major: '16', version: '16.14' }])), ok), 'InvalidParameterValue', /available major versions: 16$/);
    await rejectsApi(call(DescribeClasses, ctxFor(c), { ...ok, StorageType: 'NVME' }), 'InvalidParameterValue');
    await rejectsApi(call(DescribeClasses, ctxFor(c, 'ap-mars'), ok), 'UnsupportedRegion');
  });
});

describe('DescribeProductConfig', () => {
  const c = loadCatalog(ALL_INSTALLED);

  test('the requested zone: spec × installed version, with exactly the documented fields', async () => {
    const res = await call(DescribeProductConfig, ctxFor(c), { Zone: 'ap-guangzhou-3' });
    assert.equal(res.SpecInfoList.length, 1);
    const info = res.SpecInfoList[0]!;
    assert.equal(info.Region, 'ap-guangzhou');
    assert.equal(info.Zone, 'ap-guangzhou-3');
    assert.deepEqual(info.SupportKMSRegions, []);
    const local = c.specs.filter((s) => s.StorageTypes.includes('PHYSICAL_LOCAL_SSD'));
    assert.equal(info.SpecItemInfoList.length, local.length * c.versions.length);
    const item = info.SpecItemInfoList.find((i) => i.SpecCode === 'cdb.pg.z1.2g' && i.MajorVersion === '15')!;
    assert.deepEqual(item, {
      SpecCode: 'cdb.pg.z1.2g',
      Version: '15.18',
      VersionName: 'PostgreSQL 15.18',
      Cpu: 1,
      Memory: 2048,
      MaxStorage: 1000,
      MinStorage: 10,
      Qps: 2100,
      Pid: 11004,
      Type: 'physical',
      MajorVersion: '15',
      KernelVersion: 'v15.18_r1.0',
      IsSupportTDE: 0,
    });
  });

  test('what Terraform does: SpecInfoList[0], match MajorVersion and Memory/1024 == GB and Cpu', async () => {
    const res = await call(DescribeProductConfig, ctxFor(c), { Zone: 'ap-guangzhou-3' });
    const list = res.SpecInfoList[0]!.SpecItemInfoList;
    const pick = (major: string, cpu: number, gb: number) => list.find((i) => (i.MajorVersion === major) && i.Memory / 1024 === gb && i.Cpu === cpu)?.SpecCode;
    assert.equal(pick('16', 1, 2), 'pg.it.small2');
    assert.equal(pick('10', 2, 4), 'pg.it.medium4');
    assert.equal(pick('18', 16, 128), 'cdb.pg.sh1.128g');
    assert.ok(list.some((i) => i.Version === '17.10'));
  });

  test('no zone: one SpecInfo per selling zone of the region; StorageType filters', async () => {
    const res = await call(DescribeProductConfig, ctxFor(c), {});
    assert.deepEqual(res.SpecInfoList.map((s) => s.Zone), c.zonesOf('ap-guangzhou').map((z) => z.Zone));
    const bj = await call(DescribeProductConfig, ctxFor(c, 'ap-beijing'), { DBEngine: 'postgresql', StorageType: 'CLOUD_PREMIUM' });
    assert.ok(!bj.SpecInfoList.some((s) => s.Zone === 'ap-beijing-1'), 'sold-out zone left out');
    for (const s of bj.SpecInfoList) {
      assert.ok(s.SpecItemInfoList.length > 0);
      for (const i of s.SpecItemInfoList) assert.ok(c.spec(i.SpecCode)!.StorageTypes.includes('CLOUD_PREMIUM'));
    }
    const sold = await call(DescribeProductConfig, ctxFor(c, 'ap-beijing'), { Zone: 'ap-beijing-1' });
    assert.deepEqual(sold.SpecInfoList.map((s) => s.SpecItemInfoList), [[]]);
  });

  test('only installed versions appear', async () => {
    const res = await call(DescribeProductConfig, ctxFor(loadCatalog([{ major: '14', version: '14.23' }])), { Zone: 'ap-guangzhou-2' });
    assert.deepEqual([...new Set(res.SpecInfoList[0]!.SpecItemInfoList.map((i) => i.Version))], ['14.23']);
  });

  test('errors', async () => {
    await rejectsApi(call(DescribeProductConfig, ctxFor(c), { Zone: 'ap-tokyo-1' }), 'InvalidParameterValue.IllegalZone');
    await rejectsApi(call(DescribeProductConfig, ctxFor(c), { DBEngine: 'mssql_compatible' }), 'UnsupportedOperation');
    await rejectsApi(call(DescribeProductConfig, ctxFor(c), { StorageType: 'RAM' }), 'InvalidParameterValue');
    await rejectsApi(call(DescribeProductConfig, ctxFor(c, 'xx-nowhere'), {}), 'UnsupportedRegion');
  });
});
