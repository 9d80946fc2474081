// GenerateDataKey: a random data key, returned in the clear (base64) and wrapped by the CMK (CiphertextBlob).
import { randomBytes } from 'node:crypto';
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { sealBlob } from '../../../core/kms.ts';
import { checkContext, getKey, noPublicKey, usableMaterial, VERSION } from '../common.ts';

interface Request {
  KeyId: string;
  KeySpec?: string;
  NumberOfBytes?: number;
  EncryptionContext?: string;
  EncryptionPublicKey?: string;
  EncryptionAlgorithm?: string;
  IsHostedByKms?: number;
  DataKeyName?: string;
  Description?: string;
  HsmClusterId?: string;
  Tags?: Array<{ TagKey: string; TagValue: string }>;
}

export default defineAction<Request, { KeyId: string; Plaintext: string; CiphertextBlob: string; DataKeyId: string; TagCode: number; TagMsg: string }>({
  service: 'kms',
  version: VERSION,
  name: 'GenerateDataKey',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    KeySpec: { type: 'string', description: 'AES_128 or AES_256 (one of KeySpec and NumberOfBytes).' },
    NumberOfBytes: { type: 'integer', description: '1-1024; wins over KeySpec.' },
    EncryptionContext: { type: 'string', description: 'JSON key/value pairs Decrypt must repeat.' },
    EncryptionPublicKey: { type: 'string', description: 'Not supported.' },
    EncryptionAlgorithm: { type: 'string', description: 'Not supported.' },
    IsHostedByKms: { type: 'integer', description: '0 only: KMS does not keep data keys.' },
    DataKeyName: { type: 'string', description: 'Only with IsHostedByKms 1 (not supported).' },
    Description: { type: 'string', description: 'Only with IsHostedByKms 1 (not supported).' },
    HsmClusterId: { type: 'string', description: 'HSM cluster (none in pgcloud).' },
    Tags: { type: { array: { object: { TagKey: { type: 'string', required: true, description: 'Tag key.' }, TagValue: { type: 'string', required: true, description: 'Tag value.' } } } }, description: 'Only with IsHostedByKms 1.' },
  },
  async handle(ctx, req) {
    noPublicKey(req);
    if (req.IsHostedByKms === 1) throw new ApiError('UnsupportedOperation', 'Data keys hosted by KMS (IsHostedByKms 1) are not supported by pgcloud; keep the CiphertextBlob yourself.');
    checkContext(req.EncryptionContext);
    let bytes: number;
    if (req.NumberOfBytes !== undefined) {
      if (req.NumberOfBytes < 1 || req.NumberOfBytes > 1024) throw new ApiError('InvalidParameterValue', 'NumberOfBytes must be between 1 and 1024.');
      bytes = req.NumberOfBytes;
    } else if (req.KeySpec === 'AES_128' || req.KeySpec === 'AES_256') bytes = req.KeySpec === 'AES_128' ? 16 : 32;
    else if (req.KeySpec === undefined) throw new ApiError('MissingParameter', 'One of KeySpec (AES_128, AES_256) and NumberOfBytes is required.');
    else throw new ApiError('InvalidParameterValue', `KeySpec ${req.KeySpec} is invalid; valid values: AES_128, AES_256.`);
    const key = await getKey(ctx, req.KeyId);
    const material = usableMaterial(ctx, key);
    const dataKey = randomBytes(bytes);
    return { KeyId: key.key_id, Plaintext: dataKey.toString('base64'), CiphertextBlob: sealBlob(key.key_id, material, dataKey, req.EncryptionContext), DataKeyId: '', TagCode: 0, TagMsg: '' };
  },
});
