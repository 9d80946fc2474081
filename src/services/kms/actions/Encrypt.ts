// Encrypt: up to 4 KiB of data (base64) under the CMK; the CiphertextBlob names its key.
import { defineAction } from '../../../core/action.ts';
import { sealBlob } from '../../../core/kms.ts';
import { base64Input, checkContext, getKey, usableMaterial, VERSION } from '../common.ts';

export default defineAction<{ KeyId: string; Plaintext: string; EncryptionContext?: string }, { CiphertextBlob: string; KeyId: string }>({
  service: 'kms',
  version: VERSION,
  name: 'Encrypt',
  request: {
    KeyId: { type: 'string', required: true, description: 'CMK ID.' },
    Plaintext: { type: 'string', required: true, description: 'Data, base64, at most 4096 bytes.' },
    EncryptionContext: { type: 'string', description: 'JSON key/value pairs Decrypt must repeat.' },
  },
  async handle(ctx, req) {
    const plain = base64Input(req.Plaintext, 4096, 'InvalidParameterValue.InvalidPlaintext', 'Plaintext');
    checkContext(req.EncryptionContext);
    const key = await getKey(ctx, req.KeyId);
    return { CiphertextBlob: sealBlob(key.key_id, usableMaterial(ctx, key), plain, req.EncryptionContext), KeyId: key.key_id };
  },
});
