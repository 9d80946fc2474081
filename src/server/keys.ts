// SecretId → key pair and account, cached briefly so a burst of signed requests costs one store
// read and one decryption per key instead of one per request. Entries live KEY_TTL_MS, so a key
// disabled (or created) by another process — `pgcloud keys disable` writes the shared store —
// takes effect within that time.
import type { Store } from '../store/db.ts';
import type { SecretBox } from '../core/secrets.ts';
import { findKey, type ActiveKey } from '../store/accounts.ts';

export const KEY_TTL_MS = 500;
const MAX_ENTRIES = 10_000;
const SECRET_ID_MAX = 128;

interface Entry {
  at: number;
  key: Promise<ActiveKey | undefined>;
}

export class KeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Store,
    private readonly box: SecretBox,
    private readonly ttlMs = KEY_TTL_MS,
  ) {}

  /** The key with this SecretId if it exists and is Active; undefined otherwise. */
  async active(secretId: string): Promise<ActiveKey | undefined> {
    if (secretId.length === 0 || secretId.length > SECRET_ID_MAX) return undefined;
    const now = performance.now();
    let entry = this.entries.get(secretId);
    if (!entry || now - entry.at > this.ttlMs) {
      if (this.entries.size >= MAX_ENTRIES) this.prune(now);
      entry = { at: now, key: findKey(this.db, this.box, secretId) };
      this.entries.set(secretId, entry);
      // A failed lookup is not remembered: the next request tries again.
      entry.key.catch(() => this.entries.delete(secretId));
    }
    const key = await entry.key;
    return key && key.status === 'Active' ? key : undefined;
  }

  /** Forgets every cached key (e.g. after this process changed one). */
  clear(): void {
    this.entries.clear();
  }

  private prune(now: number): void {
    for (const [id, e] of this.entries) if (now - e.at > this.ttlMs) this.entries.delete(id);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
  }
}
