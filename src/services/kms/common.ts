// Shared rules of the kms service (2019-01-18): key lookup within the account and region, states,
// and the KeyMetadata view. Field names are the SDK typings' (kms_models.d.ts).
import type { ActionContext } from '../../core/action.ts';
import { ApiError } from '../../core/errors.ts';
import { boxFor, findKey, instancesUsingKey, openMaterial, type KmsKeyRow } from '../../store/kms.ts';

export const VERSION = '2019-01-18';

const unix = (iso: string | null): number => (iso ? Math.floor(Date.parse(iso) / 1000) : 0);

export async function getKey(ctx: ActionContext, keyId: string): Promise<KmsKeyRow> {
  const key = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(keyId) ? await findKey(ctx.db, ctx.account.uin, ctx.region, keyId) : undefined;
  if (!key) throw new ApiError('ResourceUnavailable.CmkNotFound', `CMK ${keyId} does not exist in region ${ctx.region}.`);
  return key;
}

/** The key's material for a cryptographic operation: the key must be Enabled. */
export function usableMaterial(ctx: ActionContext, key: KmsKeyRow): Buffer {
  if (key.key_state === 'Disabled') throw new ApiError('ResourceUnavailable.CmkDisabled', `CMK ${key.key_id} is disabled; EnableKey first.`);
  if (key.key_state !== 'Enabled') throw new ApiError('ResourceUnavailable.CmkStateNotSupport', `CMK ${key.key_id} is ${key.key_state} and cannot be used.`);
  return openMaterial(boxFor(ctx.config.dataDir), key);
}

/** Only the user's own keys are managed through the API; the service-managed TDE key is the product's. */
export function ownKey(key: KmsKeyRow): void {
  if (key.owner !== 'user') throw new ApiError('UnsupportedOperation.NotUserCreatedCmk', `CMK ${key.key_id} was created by the cloud product ${key.owner}; only keys you created can be changed.`);
}

/** A key wrapping the data key of a live TDE instance must stay usable. */
export async function notInUse(ctx: ActionContext, key: KmsKeyRow): Promise<void> {
  const ids = await instancesUsingKey(ctx.db, key.key_id);
  if (ids.length) throw new ApiError('FailedOperation.CmkUsedByCloudProduct', `CMK ${key.key_id} encrypts the data of ${ids.join(', ')} (TDE); destroy those instances first.`);
}

export function keyMetadata(key: KmsKeyRow, uin: string): Record<string, unknown> {
  return {
    KeyId: key.key_id, Alias: key.alias, CreateTime: unix(key.created_at), Description: key.description, KeyState: key.key_state,
    KeyUsage: key.key_usage, Type: 2, CreatorUin: Number(uin), KeyRotationEnabled: false, Owner: key.owner, NextRotateTime: 0,
    DeletionDate: unix(key.deletion_date), Origin: 'TENCENT_KMS', ValidTo: 0, ResourceId: `creatorUin/${uin}/${key.key_id}`,
    HsmClusterId: '', RotateDays: 0, LastRotateTime: 0, IsSyncReplica: 0, SourceRegion: '', SyncStatus: 0, SyncMessages: '',
    SyncStartTime: 0, SyncEndTime: 0, SourceHsmClusterId: '', CreatorUinString: uin,
  };
}

/** Base64 of at most max bytes, or the given error code. */
export function base64Input(value: string, max: number, code: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) throw new ApiError(code, `${what} must be base64.`);
  const b = Buffer.from(value, 'base64');
  if (b.length > max) throw new ApiError(code, `${what} may hold at most ${max} bytes (got ${b.length}).`);
  return b;
}

export function checkContext(context: string | undefined): void {
  if (context === undefined) return;
  if (context.length > 1024) throw new ApiError('InvalidParameterValue', 'EncryptionContext may be at most 1024 characters.');
  try {
    const v = JSON.parse(context);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
  } catch {
    throw new ApiError('InvalidParameterValue', 'EncryptionContext must be a JSON string of key/value pairs.');
  }
}

export function noPublicKey(req: { EncryptionPublicKey?: string; EncryptionAlgorithm?: string }): void {
  if (req.EncryptionPublicKey || req.EncryptionAlgorithm)
    throw new ApiError('UnsupportedOperation', 'EncryptionPublicKey/EncryptionAlgorithm (returning the plaintext encrypted to your public key) are not supported by pgcloud; leave them out.');
}

/** EnableKey / DisableKey: a customer key of the account, not pending deletion, set to state. */
export async function setKeyState(ctx: ActionContext, keyId: string, state: 'Enabled' | 'Disabled'): Promise<void> {
  const key = await getKey(ctx, keyId);
  ownKey(key);
  if (key.key_state === 'PendingDelete') throw new ApiError('ResourceUnavailable.CmkStateNotSupport', `CMK ${key.key_id} is pending deletion; it cannot be ${state.toLowerCase()}.`);
  if (state === 'Disabled') await notInUse(ctx, key);
  await ctx.db.updateTable('kms_keys').set({ key_state: state, updated_at: ctx.clock.now().toISOString() }).where('key_id', '=', key.key_id).execute();
}

/** The request of EnableKey and DisableKey. */
export const KEY_ID_REQUEST = {
  KeyId: { type: 'string', required: true, description: 'CMK ID.' },
  MemberAccount: { type: { object: {} }, description: 'Trusted-service member account (not supported).' },
} as const;
