// Encrypted at rest: the cipher directory mounted (or the existing mount adopted) first, so that
// <id>/data leads into the cleartext view. A plain data directory is never encrypted in place.
import { ensureEncryptedData, isEncrypted } from '../encryption.ts';
import type { Step } from './context.ts';

export const encryption: Step = {
  name: 'encryption',
  async run(c) {
    const { spec, paths, runAs } = c;
    if (!spec.encryption) {
      if (isEncrypted(paths)) throw new Error('its data directory is encrypted and the spec gives no passphrase');
      return;
    }
    if (spec.replication) throw new Error('encrypted data directories are not supported with streaming replication');
    const t = performance.now();
    await ensureEncryptedData(paths, spec.encryption.passphrase, runAs);
    c.known.mounted = true;
    if (performance.now() - t > 5) c.lap('mountMs', t);
  },
};
