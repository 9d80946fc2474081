// The kms service (2019-01-18) end to end with the official SDK: keys and their states, data keys,
// Encrypt/Decrypt round trips, and that key material never leaves pgcloud in the clear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startService, type TestService } from './support/service.ts';
import { errorCode } from './support/sdk.ts';
import { kmsClient } from './support/clients.ts';

let svc: TestService;
let kms: ReturnType<typeof kmsClient>;

before(async () => {
  svc = await startService();
  kms = kmsClient(svc);
});
after(async () => {
  await svc?.cleanup();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('kms: CreateKey, ListKeys, DescribeKey, Encrypt/Decrypt, GenerateDataKey, Disable/Enable, ScheduleKeyDeletion', async () => {
  const created = await kms.CreateKey({ Alias: 'app-key', Description: 'for tests' });
  assert.match(created.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.deepEqual([created.Alias, created.KeyState, created.KeyUsage, created.Description], ['app-key', 'Enabled', 'ENCRYPT_DECRYPT', 'for tests']);
  assert.ok(Math.abs(created.CreateTime! - Date.now() / 1000) < 60);
  const id = created.KeyId!;
  assert.equal(await errorCode(kms.CreateKey({ Alias: 'app-key' })), 'InvalidParameterValue.AliasAlreadyExists');
  assert.equal(await errorCode(kms.CreateKey({ Alias: '-bad' })), 'InvalidParameterValue.InvalidAlias');
  assert.equal(await errorCode(kms.CreateKey({ Alias: 'kms-mine' })), 'InvalidParameterValue.InvalidAlias');
  const other = (await kms.CreateKey({ Alias: 'other' })).KeyId!;

  const listed = await kms.ListKeys({});
  assert.equal(listed.TotalCount, 2);
  assert.deepEqual(listed.Keys!.map((k) => k.KeyId).sort(), [id, other].sort());
  assert.equal((await kms.ListKeys({ Limit: 1, Offset: 1 })).Keys!.length, 1);
  assert.equal((await kmsClient(svc, 'ap-shanghai').ListKeys({})).TotalCount, 0, 'keys are regional');
  const meta = (await kms.DescribeKey({ KeyId: id })).KeyMetadata!;
  assert.deepEqual([meta.KeyId, meta.Alias, meta.KeyState, meta.Owner, meta.Origin, meta.ResourceId?.endsWith(`/${id}`)], [id, 'app-key', 'Enabled', 'user', 'TENCENT_KMS', true]);
  assert.equal(await errorCode(kms.DescribeKey({ KeyId: '00000000-0000-0000-0000-000000000000' })), 'ResourceUnavailable.CmkNotFound');

  // Encrypt / Decrypt, with and without a context; the blob names its key; tampering and the wrong context fail.
  const enc = await kms.Encrypt({ KeyId: id, Plaintext: b64('attack at dawn') });
  assert.equal(enc.KeyId, id);
  assert.ok(!Buffer.from(enc.CiphertextBlob!, 'base64').includes('attack'));
  const dec = await kms.Decrypt({ CiphertextBlob: enc.CiphertextBlob! });
  assert.deepEqual([dec.KeyId, Buffer.from(dec.Plaintext!, 'base64').toString()], [id, 'attack at dawn']);
  const ctxEnc = await kms.Encrypt({ KeyId: id, Plaintext: b64('x'), EncryptionContext: '{"app":"a"}' });
  assert.equal(await errorCode(kms.Decrypt({ CiphertextBlob: ctxEnc.CiphertextBlob!, EncryptionContext: '{"app":"b"}' })), 'FailedOperation.DecryptError');
  assert.equal(Buffer.from((await kms.Decrypt({ CiphertextBlob: ctxEnc.CiphertextBlob!, EncryptionContext: '{"app":"a"}' })).Plaintext!, 'base64').toString(), 'x');
  const raw = Buffer.from(enc.CiphertextBlob!, 'base64');
  raw[raw.length - 1] ^= 1;
  assert.equal(await errorCode(kms.Decrypt({ CiphertextBlob: raw.toString('base64') })), 'FailedOperation.DecryptError');
  assert.equal(await errorCode(kms.Decrypt({ CiphertextBlob: b64('not a blob at all, not at all, no') })), 'InvalidParameterValue.InvalidCiphertext');
  assert.equal(await errorCode(kms.Encrypt({ KeyId: id, Plaintext: b64('x'.repeat(4097)) })), 'InvalidParameterValue.InvalidPlaintext');

  // Data keys.
  const dk = await kms.GenerateDataKey({ KeyId: id, KeySpec: 'AES_256' });
  assert.equal(Buffer.from(dk.Plaintext!, 'base64').length, 32);
  assert.equal((await kms.Decrypt({ CiphertextBlob: dk.CiphertextBlob! })).Plaintext, dk.Plaintext);
  assert.equal(Buffer.from((await kms.GenerateDataKey({ KeyId: id, NumberOfBytes: 7, KeySpec: 'AES_128' })).Plaintext!, 'base64').length, 7);
  assert.equal(await errorCode(kms.GenerateDataKey({ KeyId: id })), 'MissingParameter');

  // States: a disabled key neither encrypts nor decrypts; deletion needs a disabled key and 7-30 days.
  assert.equal(await errorCode(kms.ScheduleKeyDeletion({ KeyId: id, PendingWindowInDays: 7 })), 'ResourceUnavailable.CmkShouldBeDisabled');
  await kms.DisableKey({ KeyId: id });
  assert.equal((await kms.DescribeKey({ KeyId: id })).KeyMetadata!.KeyState, 'Disabled');
  assert.equal(await errorCode(kms.Decrypt({ CiphertextBlob: enc.CiphertextBlob! })), 'ResourceUnavailable.CmkDisabled');
  await kms.EnableKey({ KeyId: id });
  assert.equal((await kms.Decrypt({ CiphertextBlob: enc.CiphertextBlob! })).KeyId, id);
  await kms.DisableKey({ KeyId: id });
  assert.equal(await errorCode(kms.ScheduleKeyDeletion({ KeyId: id, PendingWindowInDays: 3 })), 'InvalidParameter.InvalidPendingWindowInDays');
  const del = await kms.ScheduleKeyDeletion({ KeyId: id, PendingWindowInDays: 7 });
  assert.equal(del.KeyId, id);
  assert.ok(Math.abs(del.DeletionDate! - (Date.now() / 1000 + 7 * 86400)) < 60);
  const pending = (await kms.DescribeKey({ KeyId: id })).KeyMetadata!;
  assert.deepEqual([pending.KeyState, pending.DeletionDate], ['PendingDelete', del.DeletionDate]);
  assert.equal(await errorCode(kms.EnableKey({ KeyId: id })), 'ResourceUnavailable.CmkStateNotSupport');
  assert.equal(await errorCode(kms.Encrypt({ KeyId: id, Plaintext: b64('x') })), 'ResourceUnavailable.CmkStateNotSupport');

  // Key material is stored sealed: the data key never appears in the service's files (store, its WAL,
  // logs); engine/ (PostgreSQL clusters, templates still being built in the background) is left out.
  const needle = Buffer.from(dk.Plaintext!, 'base64');
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'engine' ? [] : walk(path.join(dir, e.name))) : e.isFile() ? [path.join(dir, e.name)] : []));
  for (const f of walk(svc.dataDir)) {
    const body = fs.readFileSync(f);
    assert.ok(!body.includes(needle) && !body.includes(dk.Plaintext!), `data key found in ${f}`);
  }
});
