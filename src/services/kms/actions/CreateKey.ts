// CreateKey: a symmetric customer master key (ENCRYPT_DECRYPT) of 256-bit AES material made by pgcloud.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { boxFor, insertKey, sealMaterial } from '../../../store/kms.ts';
import { VERSION } from '../common.ts';

interface Request {
  Alias: string;
  Description?: string;
  KeyUsage?: string;
  Type?: number;
  Tags?: Array<{ TagKey: string; TagValue: string }>;
  HsmClusterId?: string;
}

export default defineAction<Request, Record<string, unknown>>({
  service: 'kms',
  version: VERSION,
  name: 'CreateKey',
  request: {
    Alias: { type: 'string', required: true, description: '1-60 of letters, digits, - and _, starting with a letter or digit; unique.' },
    Description: { type: 'string', description: 'At most 1024 bytes.' },
    KeyUsage: { type: 'string', description: 'ENCRYPT_DECRYPT (default).' },
    Type: { type: 'integer', description: '1: material made by KMS (default).' },
    Tags: { type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Tag key.' }, TagValue: { type: 'string', required: true, description: 'Tag value.' } } } }, description: 'Tags.' },
    HsmClusterId: { type: 'string', description: 'HSM cluster (none in pgcloud).' },
  },
  async handle(ctx, req) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/.test(req.Alias)) throw new ApiError('InvalidParameterValue.InvalidAlias', 'Alias must be 1-60 letters, digits, - or _, starting with a letter or digit.');
    if (req.Alias.startsWith('kms-')) throw new ApiError('InvalidParameterValue.InvalidAlias', 'Aliases starting with "kms-" are reserved for cloud products.');
    const description = req.Description ?? '';
    if (Buffer.byteLength(description) > 1024) throw new ApiError('InvalidParameterValue', 'Description may be at most 1024 bytes.');
    const usage = req.KeyUsage ?? 'ENCRYPT_DECRYPT';
    if (usage !== 'ENCRYPT_DECRYPT') throw new ApiError('InvalidParameterValue.InvalidKeyUsage', `KeyUsage ${usage} is not supported by pgcloud; only ENCRYPT_DECRYPT (symmetric) keys are.`);
    if (req.Type !== undefined && req.Type !== 1) throw new ApiError('InvalidParameterValue.InvalidType', 'Only Type 1 (material made by KMS) is supported; importing key material is not.');
    if (req.Tags?.length) throw new ApiError('UnsupportedOperation', 'Tags on KMS keys are not supported by pgcloud yet; leave Tags out.');
    if (req.HsmClusterId) throw new ApiError('InvalidParameterValue', `HSM cluster ${req.HsmClusterId} does not exist; pgcloud has only the default cluster.`);
    const taken = await ctx.db.selectFrom('kms_keys').select('key_id').where('uin', '=', ctx.account.uin).where('region', '=', ctx.region).where('alias', '=', req.Alias).executeTakeFirst();
    if (taken) throw new ApiError('InvalidParameterValue.AliasAlreadyExists', `Alias ${req.Alias} is already used by CMK ${taken.key_id}.`);
    const { sealed } = sealMaterial(boxFor(ctx.config.dataDir));
    const now = ctx.clock.now();
    const key = await insertKey(ctx.db, { uin: ctx.account.uin, region: ctx.region, alias: req.Alias, description, keyUsage: usage, owner: 'user', materialEnc: sealed, now: now.toISOString() });
    return {
      KeyId: key.key_id, Alias: key.alias, CreateTime: Math.floor(now.getTime() / 1000), Description: description, KeyState: key.key_state,
      KeyUsage: usage, TagCode: 0, TagMsg: '', HsmClusterId: '',
    };
  },
});
