// Decrypt: the plaintext (base64) of a CiphertextBlob made by Encrypt or GenerateDataKey; the blob names its key.
import { defineAction } from '../../../core/action.ts';
import { ApiError } from '../../../core/errors.ts';
import { blobKeyId, openBlob } from '../../../core/kms.ts';
import { checkContext, getKey, noPublicKey, usableMaterial, VERSION } from '../common.ts';

interface Request {
  CiphertextBlob: string;
  EncryptionContext?: string;
  EncryptionPublicKey?: string;
  EncryptionAlgorithm?: string;
}

export default defineAction<Request, { KeyId: string; Plaintext: string }>({
  service: 'kms',
  version: VERSION,
  name: 'Decrypt',
  request: {
    CiphertextBlob: { type: 'string', required: true, description: 'CiphertextBlob of Encrypt or GenerateDataKey.' },
    EncryptionContext: { type: 'string', description: 'The EncryptionContext given when it was made.' },
    EncryptionPublicKey: { type: 'string', description: 'Not supported.' },
    EncryptionAlgorithm: { type: 'string', description: 'Not supported.' },
  },
  async handle(ctx, req) {
    noPublicKey(req);
    checkContext(req.EncryptionContext);
    const keyId = blobKeyId(req.CiphertextBlob);
    if (!keyId) throw new ApiError('InvalidParameterValue.InvalidCiphertext', 'CiphertextBlob is not a ciphertext of this KMS.');
    const key = await getKey(ctx, keyId);
    const plain = openBlob(usableMaterial(ctx, key), req.CiphertextBlob, req.EncryptionContext);
    if (!plain) throw new ApiError('FailedOperation.DecryptError', 'The ciphertext does not decrypt: it was altered, or EncryptionContext differs from the one it was made with.');
    return { KeyId: key.key_id, Plaintext: plain.toString('base64') };
  },
});
