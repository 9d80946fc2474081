// KMS cryptography, free of the store: a customer master key is 32 random bytes of AES-256-GCM
// material. A CiphertextBlob is opaque base64 of
//   "PK" | version 1 | key id (16 bytes of the UUID) | IV (12) | GCM tag (16) | ciphertext
// with the key id and the EncryptionContext as additional authenticated data, so a blob names its
// key (Decrypt needs no KeyId) and cannot be opened under another key or another context.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('PK\x01', 'latin1');
const HEADER = MAGIC.length + 16 + 12 + 16;

export const newKeyMaterial = (): Buffer => randomBytes(32);

const uuidBytes = (keyId: string): Buffer => Buffer.from(keyId.replaceAll('-', ''), 'hex');
const uuidOf = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
const aad = (id: Buffer, context: string | undefined) => Buffer.concat([id, Buffer.from(context ?? '', 'utf8')]);

export function sealBlob(keyId: string, material: Buffer, plaintext: Buffer, context?: string): string {
  const id = uuidBytes(keyId);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', material, iv);
  c.setAAD(aad(id, context));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([MAGIC, id, iv, c.getAuthTag(), body]).toString('base64');
}

/** The key a blob was made under, or undefined when it is not a pgcloud CiphertextBlob. */
export function blobKeyId(blob: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) return undefined;
  const b = Buffer.from(blob, 'base64');
  if (b.length < HEADER || !b.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  return uuidOf(b.subarray(MAGIC.length, MAGIC.length + 16));
}

/** The plaintext, or undefined when the blob was altered or the context differs. */
export function openBlob(material: Buffer, blob: string, context?: string): Buffer | undefined {
  const b = Buffer.from(blob, 'base64');
  const id = b.subarray(MAGIC.length, MAGIC.length + 16);
  const iv = b.subarray(MAGIC.length + 16, MAGIC.length + 28);
  const tag = b.subarray(MAGIC.length + 28, HEADER);
  try {
    const d = createDecipheriv('aes-256-gcm', material, iv);
    d.setAAD(aad(id, context));
    d.setAuthTag(tag);
    return Buffer.concat([d.update(b.subarray(HEADER)), d.final()]);
  } catch {
    return undefined;
  }
}
