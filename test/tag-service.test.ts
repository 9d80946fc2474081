// The tag service (2018-08-13) end to end through the official SDK: the by-resource queries the
// Terraform provider reads tags with, ModifyResourceTags, GetResources/GetTags/GetTagKeys/GetTagValues
// with their tokens, CreateTag/DeleteTag and their rules, AddResourceTag/UpdateResourceTagValue/DeleteResourceTag, DescribeTagsSeq, the documented error codes,
// and one source of truth: an instance's tags are the same through CreateInstances, DescribeDBInstances,
// the tag service and its destruction; a VPC's, subnet's and security group's through Create*, Describe*
// (TagSet, tag filters) and the tag service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, waitForStatus, type PostgresClient } from './support/sdk.ts';
import { tagClient, vpcClient } from './support/clients.ts';
import { loadRegistry } from '../src/server/registry.ts';
import { documentedRateLimit } from '../src/core/catalog/rateLimits.ts';

let svc: TestService;
let pgc: PostgresClient;
let tag: ReturnType<typeof tagClient>;
let vpc: ReturnType<typeof vpcClient>;
let uin = '';

const REGION = 'ap-guangzhou';
// As the Terraform provider builds them (BuildTagResourceName): the uin segment left empty.
const pgName = (id: string, u = '') => `qcs::postgres:${REGION}:uin/${u}:DBInstanceId/${id}`;
const pairs = (tags: Array<{ TagKey?: string; TagValue?: string }> | undefined) => (tags ?? []).map((t) => [t.TagKey, t.TagValue]);

before(async () => {
  svc = await startService({ env: { PGCLOUD_PREWARM: '16' } }); // the one major these tests create
  pgc = postgresClient(svc);
  tag = tagClient(svc);
  vpc = vpcClient(svc);
  uin = String((await tag.DescribeProjects({ AllList: 1, Limit: 1000, Offset: 0 })).Projects![0]!.CreatorUin);
});
after(async () => {
  await svc?.cleanup();
});

/** A write as a real client makes it: retried after RequestLimitExceeded (the tag writes allow 20 per second). */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (e: any) {
      if (e.code !== 'RequestLimitExceeded') throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const code = (call: () => Promise<unknown>) => patiently(() => errorCode(call()));

/** What the provider's TagService.DescribeResourceTags does: pages of 20 until a short page. */
async function providerTags(serviceType: string, prefix: string, id: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let offset = 0;
  for (let count = 20; count === 20; offset += count) {
    const page = await tag.DescribeResourceTagsByResourceIds({ ServiceType: serviceType, ResourcePrefix: prefix, ResourceRegion: REGION, ResourceIds: [id], Limit: 20, Offset: offset });
    count = page.Tags!.length;
    for (const t of page.Tags!) if (t.ResourceId === id) out[t.TagKey!] = t.TagValue!;
  }
  return out;
}

test('an instance has one set of tags: CreateInstances, DescribeDBInstances, the by-resource queries, ModifyResourceTags, destruction', async () => {
  const { DBInstanceIdSet } = await pgc.CreateInstances({ ...createRequest({ DBMajorVersion: '16' }), TagList: [{ TagKey: 'env', TagValue: 'dev' }, { TagKey: 'team', TagValue: 'data' }] });
  const id = DBInstanceIdSet![0]!;
  const attr = async () => pairs((await pgc.DescribeDBInstanceAttribute({ DBInstanceId: id })).DBInstance!.TagList);
  assert.deepEqual(await attr(), [['env', 'dev'], ['team', 'data']]);
  assert.deepEqual(await providerTags('postgres', 'DBInstanceId', id), { env: 'dev', team: 'data' });

  const byIds = await tag.DescribeResourceTagsByResourceIds({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceRegion: REGION, ResourceIds: [id] });
  assert.equal(byIds.TotalCount, 2);
  assert.deepEqual([byIds.Offset, byIds.Limit], [0, 15]);
  const env = byIds.Tags![0]!;
  const md5 = (v: string) => createHash('md5').update(v).digest('hex');
  assert.deepEqual([env.ResourceId, env.ServiceType, env.Category, env.TagKeyMd5, env.TagValueMd5], [id, 'postgres', 'Custom', md5('env'), md5('dev')]);

  // The provider's update: ModifyResourceTags on the name with the empty uin segment.
  await tag.ModifyResourceTags({ Resource: pgName(id), ReplaceTags: [{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'owner', TagValue: 'alice' }], DeleteTags: [{ TagKey: 'team' }] });
  assert.deepEqual(await attr(), [['env', 'prod'], ['owner', 'alice']], 'a new value keeps its place, a new key goes last');
  const listed = await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['owner'] }] });
  assert.deepEqual(listed.DBInstanceSet!.map((i) => [i.DBInstanceId, pairs(i.TagList)]), [[id, [['env', 'prod'], ['owner', 'alice']]]]);
  assert.equal((await pgc.DescribeDBInstances({ Filters: [{ Name: 'db-tag-key', Values: ['team'] }] })).TotalCount, 0);
  // The same through the names with the uin filled in, and through every other query.
  await tag.ModifyResourceTags({ Resource: pgName(id, uin), DeleteTags: [{ TagKey: 'not-there' }] });
  const rows = await tag.DescribeResourceTags({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceRegion: REGION, ResourceId: id });
  assert.deepEqual(pairs(rows.Rows), [['env', 'prod'], ['owner', 'alice']]);
  const byKeys = await tag.DescribeResourceTagsByTagKeys({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceRegion: REGION, ResourceIds: [id, 'postgres-nothere0'], TagKeys: ['owner'] });
  assert.deepEqual(byKeys.Rows!.map((r) => [r.ResourceId, pairs(r.TagKeyValues)]), [[id, [['owner', 'alice']]]]);
  assert.equal(byKeys.Limit, 400);
  const mapped = await tag.GetResources({ ResourceList: [pgName(id)] });
  assert.deepEqual(mapped.ResourceTagMappingList!.map((m) => [m.Resource, pairs(m.Tags)]), [[pgName(id), [['env', 'prod'], ['owner', 'alice']]]]);
  const filtered = await tag.GetResources({ TagFilters: [{ TagKey: 'owner', TagValue: ['bob', 'alice'] }, { TagKey: 'env' }] });
  assert.deepEqual(filtered.ResourceTagMappingList!.map((m) => m.Resource), [pgName(id, uin)]);
  assert.equal((await tag.GetResources({ TagFilters: [{ TagKey: 'owner', TagValue: ['bob'] }] })).ResourceTagMappingList!.length, 0);
  // Another region sees none of it.
  assert.equal((await tag.DescribeResourceTagsByResourceIds({ ServiceType: 'postgres', ResourcePrefix: 'DBInstanceId', ResourceRegion: 'ap-shanghai', ResourceIds: [id] })).TotalCount, 0);

  // Destroyed, the instance's tags are gone; the tags themselves stay in the account, deletable.
  await waitForStatus(pgc, id, 'running');
  await pgc.IsolateDBInstances({ DBInstanceIdSet: [id] });
  await waitForStatus(pgc, id, 'isolated');
  await pgc.DestroyDBInstance({ DBInstanceId: id });
  assert.deepEqual(await providerTags('postgres', 'DBInstanceId', id), {});
  assert.equal((await tag.GetResources({ TagFilters: [{ TagKey: 'owner' }] })).ResourceTagMappingList!.length, 0);
  const owner = (await tag.DescribeTags({ TagKey: 'owner', TagValue: 'alice' })).Tags!;
  assert.deepEqual(owner.map((t) => [t.TagKey, t.TagValue, t.CanDelete]), [['owner', 'alice', 1]]);
  assert.equal(await errorCode(tag.ModifyResourceTags({ Resource: pgName(id), ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }] })), 'ResourceNotFound');
  await tag.DeleteTag({ TagKey: 'owner', TagValue: 'alice' });
});

test('VPCs, subnets and security groups: Tags at creation, TagSet and tag filters, the tag service under the provider’s names', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'tagged', CidrBlock: '10.70.0.0/16', Tags: [{ Key: 'env', Value: 'stage' }, { Key: 'cost', Value: 'c1' }] });
  const vpcId = Vpc!.VpcId!;
  assert.deepEqual(Vpc!.TagSet, [{ Key: 'env', Value: 'stage' }, { Key: 'cost', Value: 'c1' }]);
  const { Subnet } = await vpc.CreateSubnet({ VpcId: vpcId, SubnetName: 's', CidrBlock: '10.70.1.0/24', Zone: 'ap-guangzhou-3', Tags: [{ Key: 'env', Value: 'stage' }] });
  const subnetId = Subnet!.SubnetId!;
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'g', GroupDescription: 'd', Tags: [{ Key: 'env', Value: 'stage' }] });
  const sgId = SecurityGroup!.SecurityGroupId!;

  assert.deepEqual(await providerTags('vpc', 'vpc', vpcId), { env: 'stage', cost: 'c1' });
  assert.deepEqual(await providerTags('vpc', 'subnet', subnetId), { env: 'stage' });
  assert.deepEqual(await providerTags('cvm', 'sg', sgId), { env: 'stage' });

  // The provider's updates, through the tag service; the vpc service answers them in TagSet and filters.
  await tag.ModifyResourceTags({ Resource: `qcs::vpc:${REGION}:uin/:subnet/${subnetId}`, ReplaceTags: [{ TagKey: 'tier', TagValue: 'db' }] });
  await tag.ModifyResourceTags({ Resource: `qcs::cvm:${REGION}:uin/:sg/${sgId}`, ReplaceTags: [{ TagKey: 'env', TagValue: 'prod' }] });
  await tag.ModifyResourceTags({ Resource: `qcs::vpc:${REGION}:uin/:vpc/${vpcId}`, DeleteTags: [{ TagKey: 'cost' }] });
  assert.deepEqual((await vpc.DescribeVpcs({ VpcIds: [vpcId] })).VpcSet![0]!.TagSet, [{ Key: 'env', Value: 'stage' }]);
  assert.deepEqual((await vpc.DescribeSubnets({ SubnetIds: [subnetId] })).SubnetSet![0]!.TagSet, [{ Key: 'env', Value: 'stage' }, { Key: 'tier', Value: 'db' }]);
  assert.deepEqual((await vpc.DescribeSecurityGroups({ SecurityGroupIds: [sgId] })).SecurityGroupSet![0]!.TagSet, [{ Key: 'env', Value: 'prod' }]);
  assert.deepEqual((await vpc.DescribeVpcs({ Filters: [{ Name: 'tag-key', Values: ['env'] }] })).VpcSet!.map((v) => v.VpcId), [vpcId]);
  assert.equal((await vpc.DescribeVpcs({ Filters: [{ Name: 'tag:env', Values: ['prod'] }] })).TotalCount, 0);
  assert.deepEqual((await vpc.DescribeSubnets({ Filters: [{ Name: 'tag:tier', Values: ['db', 'web'] }] })).SubnetSet!.map((s) => s.SubnetId), [subnetId]);
  assert.deepEqual((await vpc.DescribeSecurityGroups({ Filters: [{ Name: 'tag:env', Values: ['prod'] }] })).SecurityGroupSet!.map((g) => g.SecurityGroupId), [sgId]);
  assert.equal(await errorCode(vpc.DescribeVpcs({ Filters: [{ Name: 'tag', Values: ['x'] }] })), 'InvalidParameter.FilterInvalidKey');

  // The vpc service's own tag codes.
  assert.equal(await errorCode(vpc.CreateVpc({ VpcName: 'x', CidrBlock: '10.71.0.0/16', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })), 'InvalidParameterValue.TagDuplicateKey');
  assert.equal(await errorCode(vpc.CreateVpc({ VpcName: 'x', CidrBlock: '10.71.0.0/16', Tags: [{ Key: 'qcs:x', Value: '1' }] })), 'UnsupportedOperation.TagSystemReservedTagKey');
  assert.equal(await errorCode(vpc.CreateSubnet({ VpcId: vpcId, SubnetName: 'x', CidrBlock: '10.70.2.0/24', Zone: 'ap-guangzhou-3', Tags: [{ Key: 'k'.repeat(128), Value: '1' }] })), 'InvalidParameterValue.TagInvalidKeyLen');
  assert.equal(await errorCode(vpc.CreateSecurityGroup({ GroupName: 'x', GroupDescription: '', Tags: [{ Key: 'bad#key', Value: '1' }] })), 'InvalidParameterValue.TagInvalidKey');
  assert.equal((await vpc.DescribeVpcs({ Filters: [{ Name: 'vpc-name', Values: ['x'] }] })).TotalCount, 0, 'a refused CreateVpc leaves no VPC');

  // Deleted, their tags are gone with them (and GetResources no longer lists them).
  await vpc.DeleteSecurityGroup({ SecurityGroupId: sgId });
  await vpc.DeleteSubnet({ SubnetId: subnetId });
  await vpc.DeleteVpc({ VpcId: vpcId });
  const left = await tag.GetResources({ TagFilters: [{ TagKey: 'env' }] });
  assert.deepEqual(left.ResourceTagMappingList, []);
  assert.deepEqual(await providerTags('cvm', 'sg', sgId), {});
});

test('ModifyResourceTags and TagResources: the documented refusals and limits', async () => {
  const { Vpc } = await vpc.CreateVpc({ VpcName: 'limits', CidrBlock: '10.72.0.0/16' });
  const name = `qcs::vpc:${REGION}:uin/:vpc/${Vpc!.VpcId}`;
  const modify = (req: Record<string, unknown>) => code(() => tag.ModifyResourceTags({ Resource: name, ...req } as any));
  assert.equal(await modify({}), 'MissingParameter');
  assert.equal(await modify({ ReplaceTags: [] }), 'InvalidParameter.Tag');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'a', TagValue: '1' }], DeleteTags: [{ TagKey: 'a' }] }), 'InvalidParameterValue.DeleteTagsParamError');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'project:x', TagValue: '1' }] }), 'InvalidParameter.ReservedTagKey');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'qcloud', TagValue: '1' }] }), 'InvalidParameter.ReservedTagKey');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'a$b', TagValue: '1' }] }), 'InvalidParameterValue.TagKeyCharacterIllegal');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'k'.repeat(128), TagValue: '1' }] }), 'InvalidParameterValue.TagKeyLengthExceeded');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'k', TagValue: 'v'.repeat(256) }] }), 'InvalidParameterValue.TagValueLengthExceeded');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: ' k', TagValue: 'v' }] }), 'InvalidParameterValue.TagKeyCharacterIllegal');
  assert.equal(await code(() => tag.ModifyResourceTags({ Resource: 'qcs::vpc:ap-guangzhou:vpc-1', ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }] })), 'InvalidParameterValue.ResourceDescriptionError');
  assert.equal(await code(() => tag.ModifyResourceTags({ Resource: `qcs::vpc:${REGION}:uin/1:vpc/${Vpc!.VpcId}`, ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }] })), 'InvalidParameterValue.UinInvalid');
  assert.equal(await code(() => tag.ModifyResourceTags({ Resource: `qcs::vpc:${REGION}:uin/:vpc/vpc-nothere0`, ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }] })), 'ResourceNotFound');
  assert.equal(await code(() => tag.ModifyResourceTags({ Resource: `qcs::vpc:ap-shanghai:uin/:vpc/${Vpc!.VpcId}`, ReplaceTags: [{ TagKey: 'k', TagValue: 'v' }] })), 'ResourceNotFound', 'the region is part of the name');
  // An empty value is taken here (the action's documented errors have no TagValueEmpty), not by TagResources.
  await patiently(() => tag.ModifyResourceTags({ Resource: name, ReplaceTags: [{ TagKey: 'blank', TagValue: '' }] }));
  assert.equal(await code(() => tag.TagResources({ ResourceList: [name], Tags: [{ TagKey: 'blank', TagValue: '' }] })), 'InvalidParameterValue.TagValueEmpty');
  assert.equal(await code(() => tag.TagResources({ ResourceList: Array(11).fill(name), Tags: [{ TagKey: 'k', TagValue: 'v' }] })), 'LimitExceeded.ResourceNumPerRequest');
  assert.equal(await code(() => tag.TagResources({ ResourceList: [name], Tags: Array.from({ length: 11 }, (_, i) => ({ TagKey: `k${i}`, TagValue: 'v' })) })), 'LimitExceeded.TagNumPerRequest');

  // 50 tags per resource: 49 more fit beside "blank", the 51st is refused and nothing of its call is kept.
  for (let i = 0; i < 49; i += 10)
    await patiently(() => tag.ModifyResourceTags({ Resource: name, ReplaceTags: Array.from({ length: Math.min(10, 49 - i) }, (_, j) => ({ TagKey: `n${i + j}`, TagValue: String(i + j) })) }));
  assert.equal(Object.keys(await providerTags('vpc', 'vpc', Vpc!.VpcId!)).length, 50, 'read back in pages of 20, as the provider does');
  assert.equal(await modify({ ReplaceTags: [{ TagKey: 'n10', TagValue: 'changed' }, { TagKey: 'one-more', TagValue: 'x' }] }), 'LimitExceeded.ResourceAttachedTags');
  const kept = await providerTags('vpc', 'vpc', Vpc!.VpcId!);
  assert.deepEqual([Object.keys(kept).length, kept.n10, kept['one-more']], [50, '10', undefined]);
  await vpc.DeleteVpc({ VpcId: Vpc!.VpcId! });
});

test('CreateTag and DeleteTag: tags without resources, the deletion rules; DescribeTags sorted, DescribeTagsSeq in order of creation', async () => {
  await tag.CreateTag({ TagKey: 'zeta', TagValue: '1' });
  await tag.CreateTag({ TagKey: 'alpha', TagValue: '2' });
  assert.equal(await errorCode(tag.CreateTag({ TagKey: 'zeta', TagValue: '1' })), 'ResourceInUse.TagDuplicate');
  assert.equal(await errorCode(tag.CreateTag({ TagKey: 'qcs:reserved', TagValue: '1' })), 'InvalidParameterValue.ReservedTagKey');
  assert.equal(await errorCode(tag.CreateTag({ TagKey: 'k', TagValue: '' })), 'InvalidParameterValue.TagValueEmpty');
  assert.equal(await errorCode(tag.CreateTag({ TagKey: '', TagValue: 'v' })), 'InvalidParameterValue.TagKeyEmpty');
  assert.equal(await errorCode(tag.CreateTag({ TagKey: 'k', TagValue: 'bad*value' })), 'InvalidParameterValue.TagValueCharacterIllegal');

  const sorted = await tag.DescribeTags({ TagKeys: ['zeta', 'alpha'] });
  assert.deepEqual(sorted.Tags!.map((t) => [t.TagKey, t.TagValue, t.CanDelete, t.Category]), [['alpha', '2', 1, 'Custom'], ['zeta', '1', 1, 'Custom']]);
  const seq = await tag.DescribeTagsSeq({ TagKeys: ['zeta', 'alpha'] });
  assert.deepEqual(seq.Tags!.map((t) => t.TagKey), ['zeta', 'alpha']);
  assert.deepEqual([seq.TotalCount, seq.Offset, seq.Limit], [2, 0, 15]);
  assert.deepEqual((await tag.DescribeTagsSeq({ TagKeys: ['zeta', 'alpha'], Limit: 1, Offset: 1 })).Tags!.map((t) => t.TagKey), ['alpha']);

  // A bound tag cannot be deleted; unbound again, it can, once.
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'del', GroupDescription: '' });
  const sgName = `qcs::cvm:${REGION}:uin/:sg/${SecurityGroup!.SecurityGroupId}`;
  await tag.TagResources({ ResourceList: [sgName], Tags: [{ TagKey: 'zeta', TagValue: '1' }] });
  assert.equal((await tag.DescribeTags({ TagKey: 'zeta', TagValue: '1' })).Tags![0]!.CanDelete, 0);
  assert.equal(await errorCode(tag.DeleteTag({ TagKey: 'zeta', TagValue: '1' })), 'FailedOperation.TagAttachedResource');
  await tag.UnTagResources({ ResourceList: [sgName], TagKeys: ['zeta'] });
  await tag.DeleteTag({ TagKey: 'zeta', TagValue: '1' });
  assert.equal(await errorCode(tag.DeleteTag({ TagKey: 'zeta', TagValue: '1' })), 'ResourceNotFound.TagNonExist');
  assert.equal((await tag.DescribeTags({ TagKey: 'zeta' })).TotalCount, 0);
  assert.equal(await errorCode(tag.DescribeTags({ TagValue: '1' })), 'MissingParameter');
  await vpc.DeleteSecurityGroup({ SecurityGroupId: SecurityGroup!.SecurityGroupId! });
});

test('GetTags, GetTagKeys, GetTagValues, GetResources: PaginationToken pages cover everything once; bad tokens and sizes are refused', async () => {
  for (let i = 0; i < 7; i++) await tag.CreateTag({ TagKey: `page-${i % 3}`, TagValue: `v${i}` });
  const { SecurityGroup: a } = await vpc.CreateSecurityGroup({ GroupName: 'pa', GroupDescription: '' });
  const { SecurityGroup: b } = await vpc.CreateSecurityGroup({ GroupName: 'pb', GroupDescription: '' });
  for (const g of [a, b]) await tag.TagResources({ ResourceList: [`qcs::cvm:${REGION}:uin/:sg/${g!.SecurityGroupId}`], Tags: [{ TagKey: 'page-0', TagValue: 'v0' }] });

  const all = async <T>(call: (token: string) => Promise<{ PaginationToken?: string; items: T[] }>) => {
    const out: T[] = [];
    let token = '';
    let pages = 0;
    do {
      const page = await call(token);
      out.push(...page.items);
      token = page.PaginationToken ?? '';
      pages++;
    } while (token);
    return { out, pages };
  };
  const tags = await all(async (t) => {
    const r = await tag.GetTags({ PaginationToken: t, MaxResults: 2, TagKeys: ['page-0', 'page-1', 'page-2'] });
    return { PaginationToken: r.PaginationToken, items: r.Tags!.map((x) => `${x.TagKey}=${x.TagValue}`) };
  });
  assert.deepEqual(tags.out, ['page-0=v0', 'page-0=v3', 'page-0=v6', 'page-1=v1', 'page-1=v4', 'page-2=v2', 'page-2=v5']);
  assert.equal(tags.pages, 4);
  const values = await all(async (t) => {
    const r = await tag.GetTagValues({ TagKeys: ['page-1'], PaginationToken: t, MaxResults: 1 });
    return { PaginationToken: r.PaginationToken, items: r.Tags!.map((x) => x.TagValue) };
  });
  assert.deepEqual(values.out, ['v1', 'v4']);
  const keys = (await tag.GetTagKeys({ MaxResults: 1000 })).TagKeys!;
  assert.deepEqual(keys.filter((k) => k.startsWith('page-')), ['page-0', 'page-1', 'page-2']);
  const resources = await all(async (t) => {
    const r = await tag.GetResources({ TagFilters: [{ TagKey: 'page-0', TagValue: ['v0'] }], PaginationToken: t, MaxResults: 1 });
    return { PaginationToken: r.PaginationToken, items: r.ResourceTagMappingList!.map((m) => m.Resource) };
  });
  assert.deepEqual(resources.out.sort(), [a, b].map((g) => `qcs::cvm:${REGION}:uin/${uin}:sg/${g!.SecurityGroupId}`).sort());

  assert.equal(await errorCode(tag.GetTags({ PaginationToken: 'not-ours' })), 'InvalidParameter.PaginationTokenInvalid');
  assert.equal(await errorCode(tag.GetTagKeys({ MaxResults: 1001 })), 'InvalidParameter');
  assert.equal(await errorCode(tag.GetResources({ MaxResults: 201 })), 'InvalidParameter');
  assert.equal(await errorCode(tag.GetTagValues({ TagKeys: [] })), 'MissingParameter');
  assert.equal(await errorCode(tag.GetTags({ TagKeys: Array.from({ length: 21 }, (_, i) => `k${i}`) })), 'LimitExceeded');
  assert.equal(await errorCode(tag.GetResources({ TagFilters: [{ TagKey: 'a' }, { TagKey: 'a' }] })), 'InvalidParameterValue.TagKeyDuplicate');
  assert.equal(await errorCode(tag.GetResources({ TagFilters: Array.from({ length: 7 }, (_, i) => ({ TagKey: `k${i}` })) })), 'LimitExceeded.TagNumPerRequest');
  assert.equal(await errorCode(tag.GetResources({ ResourceList: ['nonsense'] })), 'InvalidParameterValue.ResourceDescriptionError');
  assert.equal((await tag.GetTags({ Category: 'System' })).Tags!.length, 0, 'pgcloud has no system tags');
  assert.equal(await errorCode(tag.GetTags({ Category: 'Other' })), 'InvalidParameter');
  for (const g of [a, b]) await vpc.DeleteSecurityGroup({ SecurityGroupId: g!.SecurityGroupId! });
});

test('the by-resource queries check ServiceType, ResourcePrefix, ResourceRegion and ResourceIds; Offset/Limit page them', async () => {
  const base = { ServiceType: 'cvm', ResourcePrefix: 'sg', ResourceRegion: REGION, ResourceIds: ['sg-aaaaaaaa'] };
  assert.equal(await errorCode(tag.DescribeResourceTagsByResourceIds({ ...base, ServiceType: 'Bad Type' })), 'InvalidParameterValue.ServiceTypeInvalid');
  assert.equal(await errorCode(tag.DescribeResourceTagsByResourceIds({ ...base, ResourcePrefix: '9x' })), 'InvalidParameterValue.ResourcePrefixInvalid');
  assert.equal(await errorCode(tag.DescribeResourceTagsByResourceIds({ ...base, ResourceRegion: 'mars-1' })), 'InvalidParameterValue.RegionInvalid');
  assert.equal(await errorCode(tag.DescribeResourceTagsByResourceIds({ ...base, ResourceIds: Array.from({ length: 51 }, (_, i) => `sg-${i}`) })), 'InvalidParameterValue.ResourceIdInvalid');
  assert.equal(await errorCode(tag.DescribeResourceTagsByResourceIds({ ...base, Limit: 0 })), 'InvalidParameterValue.OffsetInvalid');
  assert.equal(await errorCode(tag.DescribeResourceTagsByTagKeys({ ...base, TagKeys: [] })), 'InvalidParameter.Tag');
  assert.equal(await errorCode(tag.DescribeResourceTagsByTagKeys({ ...base, TagKeys: [''] })), 'InvalidParameterValue.TagKeyEmpty');
  assert.equal((await tag.DescribeResourceTagsByResourceIds({ ...base, ServiceType: 'cdb', ResourcePrefix: 'instanceId' })).TotalCount, 0, 'a service pgcloud does not have holds no tags');

  // Two groups, three tags each: pages of 2 by Offset walk them in the order of ResourceIds.
  const { SecurityGroup: x } = await vpc.CreateSecurityGroup({ GroupName: 'ox', GroupDescription: '', Tags: [1, 2, 3].map((i) => ({ Key: `x${i}`, Value: 'x' })) });
  const { SecurityGroup: y } = await vpc.CreateSecurityGroup({ GroupName: 'oy', GroupDescription: '', Tags: [1, 2, 3].map((i) => ({ Key: `y${i}`, Value: 'y' })) });
  const ids = [y!.SecurityGroupId!, x!.SecurityGroupId!];
  const seen: string[] = [];
  for (let offset = 0; offset < 6; offset += 2) {
    const page = await tag.DescribeResourceTagsByResourceIds({ ...base, ResourceIds: ids, Offset: offset, Limit: 2 });
    assert.equal(page.TotalCount, 6);
    seen.push(...page.Tags!.map((t) => t.TagKey!));
  }
  assert.deepEqual(seen, ['y1', 'y2', 'y3', 'x1', 'x2', 'x3']);
  const rows = await tag.DescribeResourceTags({ ServiceType: 'cvm', ResourcePrefix: 'sg', ResourceRegion: REGION, Limit: 4 });
  assert.deepEqual([rows.TotalCount, rows.Rows!.length], [6, 4]);
  assert.equal((await tag.DescribeResourceTags({ CosResourceId: 1, ResourceId: ids[0] })).TotalCount, 0);
  assert.equal((await tag.DescribeResourceTags({ CreateUin: 1 })).TotalCount, 0, 'another creator made nothing here');
  const byKeys = await tag.DescribeResourceTagsByTagKeys({ ...base, ResourceIds: ids, TagKeys: ['x2', 'y3', 'x3'], Limit: 1, Offset: 1 });
  assert.deepEqual([byKeys.TotalCount, byKeys.Rows!.map((r) => [r.ResourceId, pairs(r.TagKeyValues)])], [2, [[ids[1], [['x2', 'x'], ['x3', 'x']]]]]);
  for (const g of ids) await vpc.DeleteSecurityGroup({ SecurityGroupId: g });
});

test('AddResourceTag, UpdateResourceTagValue, DeleteResourceTag: one tag on one resource (tencentcloud_tag_attachment)', async () => {
  const { SecurityGroup } = await vpc.CreateSecurityGroup({ GroupName: 'attach', GroupDescription: '' });
  const name = `qcs::cvm:${REGION}:uin/${uin}:sg/${SecurityGroup!.SecurityGroupId}`;
  await tag.AddResourceTag({ TagKey: 'app', TagValue: 'shop', Resource: name });
  assert.equal(await errorCode(tag.AddResourceTag({ TagKey: 'app', TagValue: 'other', Resource: name })), 'ResourceInUse.TagKeyAttached');
  // What the attachment's read asks: the resource under the name it was given, with its tags.
  const read = await tag.GetResources({ ResourceList: [name] });
  assert.deepEqual(read.ResourceTagMappingList!.map((m) => [m.Resource, pairs(m.Tags)]), [[name, [['app', 'shop']]]]);
  await tag.UpdateResourceTagValue({ TagKey: 'app', TagValue: 'store', Resource: name });
  assert.deepEqual((await vpc.DescribeSecurityGroups({ SecurityGroupIds: [SecurityGroup!.SecurityGroupId!] })).SecurityGroupSet![0]!.TagSet, [{ Key: 'app', Value: 'store' }]);
  assert.equal(await errorCode(tag.UpdateResourceTagValue({ TagKey: 'nope', TagValue: 'x', Resource: name })), 'ResourceNotFound.AttachedTagKeyNotFound');
  await tag.DeleteResourceTag({ TagKey: 'app', Resource: name });
  assert.equal(await errorCode(tag.DeleteResourceTag({ TagKey: 'app', Resource: name })), 'ResourceNotFound.AttachedTagKeyNotFound');
  assert.deepEqual((await tag.GetResources({ ResourceList: [name] })).ResourceTagMappingList, []);
  await vpc.DeleteSecurityGroup({ SecurityGroupId: SecurityGroup!.SecurityGroupId! });
});

test('rate limits: every tag action has its documented per-second limit in the catalogue (cloud.tencent.com/document/product/651/35307)', async () => {
  const registry = await loadRegistry();
  const limits = Object.fromEntries(registry.all().filter((d) => d.service === 'tag').map((d) => [d.name, documentedRateLimit('tag', d.name)?.perSecond]));
  assert.deepEqual(limits, {
    AddProject: 20, AddResourceTag: 20, CreateTag: 20, DeleteResourceTag: 20, DeleteTag: 20, DescribeProjects: 20, DescribeResourceTags: 20, DescribeResourceTagsByResourceIds: 100,
    DescribeResourceTagsByTagKeys: 20, DescribeTagKeys: 20, DescribeTagValues: 20, DescribeTags: 60, DescribeTagsSeq: 20, GetResources: 20,
    GetTagKeys: 20, GetTagValues: 20, GetTags: 20, ModifyResourceTags: 20, TagResources: 20, UnTagResources: 20, UpdateResourceTagValue: 20,
  });
});
