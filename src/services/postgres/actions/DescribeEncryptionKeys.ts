// DescribeEncryptionKeys: the KMS key wrapping a TDE instance's data key, with the data key's
// CiphertextBlob (never the data key itself). An instance without TDE has none.
import { defineAction } from '../../../core/action.ts';
import { findInstance } from '../lifecycle.ts';
import { findKey } from '../../../store/kms.ts';
import { formatApiTime } from '../../../core/time.ts';

interface EncryptionKey {
  KeyId: string;
  KeyAlias: string;
  DEKCipherTextBlob: string;
  IsEnabled: number;
  KeyRegion: string;
  CreateTime: string;
  KMSClusterId: string;
}

export default defineAction<{ DBInstanceId: string }, { EncryptionKeys: EncryptionKey[] }>({
  service: 'postgres',
  version: '2017-03-12',
  name: 'DescribeEncryptionKeys',
  request: {
    DBInstanceId: { type: 'string', required: true, description: 'Instance ID.' },
  },
  async handle(ctx, req) {
    const row = await findInstance(ctx, req.DBInstanceId);
    if (row.tde !== 1 || !row.kms_key_id || !row.kms_region || !row.dek_blob) return { EncryptionKeys: [] };
    const key = await findKey(ctx.db, row.uin, row.kms_region, row.kms_key_id);
    return {
      EncryptionKeys: [
        {
          KeyId: row.kms_key_id,
          KeyAlias: key?.alias ?? '',
          DEKCipherTextBlob: row.dek_blob,
          IsEnabled: key?.key_state === 'Enabled' ? 1 : 0,
          KeyRegion: row.kms_region,
          CreateTime: formatApiTime(row.created_at),
          KMSClusterId: '',
        },
      ],
    };
  },
});
