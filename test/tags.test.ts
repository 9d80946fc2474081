// Tags and projects end to end: tag service (2018-08-13) over the instances' TagList, projects that
// CreateInstances and ModifyDBInstancesProject must name, and DescribeDBInstances filtering on both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startService, type TestService } from './support/service.ts';
import { createRequest, postgresClient, errorCode, type PostgresClient } from './support/sdk.ts';
import { tagClient } from './support/clients.ts';

let svc: TestService;
let pgc: PostgresClient;
let tag: ReturnType<typeof tagClient>;

const base = createRequest({ DBMajorVersion: '15' });

before(async () => {
  svc = await startService();
  pgc = postgresClient(svc);
  tag = tagClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

const ids = async (filters: Array<{ Name: string; Values: string[] }>) => (await pgc.DescribeDBInstances({ Filters: filters })).DBInstanceSet!.map((i) => i.DBInstanceId).sort();

test('projects: AddProject, DescribeProjects, CreateInstances and ModifyDBInstancesProject name existing projects only', async () => {
  assert.equal(await errorCode(pgc.CreateInstances({ ...base, ProjectId: 42 })), 'InvalidParameterValue.IllegalProjectId');
  const added = await tag.AddProject({ ProjectName: 'analytics', Info: 'team' });
  assert.equal(added.IsNew, 1);
  assert.equal((await tag.AddProject({ ProjectName: 'analytics' })).ProjectId, added.ProjectId);
  const { Projects } = await tag.DescribeProjects({ AllList: 1, Limit: 1000, Offset: 0 });
  assert.deepEqual(Projects!.map((p) => p.ProjectId), [0, added.ProjectId]);

  const [a] = (await pgc.CreateInstances({ ...base, ProjectId: added.ProjectId, TagList: [{ TagKey: 'team', TagValue: 'data' }] })).DBInstanceIdSet!;
  const [b] = (await pgc.CreateInstances({ ...base })).DBInstanceIdSet!;
  assert.deepEqual(await ids([{ Name: 'db-project-id', Values: [String(added.ProjectId)] }]), [a]);
  assert.equal(await errorCode(pgc.ModifyDBInstancesProject({ DBInstanceIdSet: [b!], ProjectId: '7' })), 'InvalidParameterValue.IllegalProjectId');
  assert.equal((await pgc.ModifyDBInstancesProject({ DBInstanceIdSet: [b!], ProjectId: String(added.ProjectId) })).Count, 1);
  assert.deepEqual(await ids([{ Name: 'db-project-id', Values: [String(added.ProjectId)] }]), [a, b].sort());

  // Tags: the instance's TagList is what the tag service sees and changes.
  const { Tags } = await tag.DescribeTags({});
  assert.deepEqual(Tags!.map((t) => [t.TagKey, t.TagValue, t.CanDelete]), [['team', 'data', 0]]);
  const uin = Projects![0]!.CreatorUin;
  const resource = (id: string) => `qcs::postgres:ap-guangzhou:uin/${uin}:DBInstanceId/${id}`;
  await tag.TagResources({ ResourceList: [resource(a!), resource(b!)], Tags: [{ TagKey: 'env', TagValue: 'prod' }] });
  assert.deepEqual(await ids([{ Name: 'db-tag-key', Values: ['env'] }]), [a, b].sort());
  const attr = await pgc.DescribeDBInstanceAttribute({ DBInstanceId: a! });
  assert.deepEqual(attr.DBInstance!.TagList, [{ TagKey: 'team', TagValue: 'data' }, { TagKey: 'env', TagValue: 'prod' }]);
  await tag.UnTagResources({ ResourceList: [resource(a!)], TagKeys: ['env'] });
  assert.deepEqual(await ids([{ Name: 'db-tag-key', Values: ['env'] }]), [b]);
  assert.equal((await tag.DescribeTags({ TagKey: 'env' })).Tags![0]!.TagValue, 'prod');
  // Keys and values: distinct keys, sorted; values of the named keys only.
  await tag.TagResources({ ResourceList: [resource(a!)], Tags: [{ TagKey: 'env', TagValue: 'dev' }] });
  const keys = await tag.DescribeTagKeys({});
  assert.deepEqual([keys.TotalCount, keys.Offset, keys.Limit, keys.Tags], [2, 0, 15, ['env', 'team']]);
  assert.deepEqual((await tag.DescribeTagKeys({ Limit: 1, Offset: 1 })).Tags, ['team']);
  const values = await tag.DescribeTagValues({ TagKeys: ['env'] });
  assert.deepEqual(values.Tags!.map((t) => [t.TagKey, t.TagValue, t.Category]).sort(), [['env', 'dev', 'Custom'], ['env', 'prod', 'Custom']]);
  assert.equal(values.TotalCount, 2);
  assert.equal((await tag.DescribeTagValues({ TagKeys: ['team', 'env'], Category: 'System' })).TotalCount, 0);
  assert.equal(await errorCode(tag.DescribeTagValues({ TagKeys: ['env'], Limit: 2000 })), 'InvalidParameterValue.OffsetInvalid');
  assert.equal(await errorCode(tag.TagResources({ ResourceList: ['qcs::cvm:ap-guangzhou:uin/1:instance/ins-1'], Tags: [{ TagKey: 'k', TagValue: 'v' }] })), 'InvalidParameterValue.ResourceDescriptionError');
  assert.equal(await errorCode(tag.TagResources({ ResourceList: [resource('postgres-nothere0')], Tags: [{ TagKey: 'k', TagValue: 'v' }] })), 'ResourceNotFound');
});
