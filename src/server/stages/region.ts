// Stage 4, the region: one of the catalogue's, required unless the action is regionless.
import type { ActionDefinition } from '../../core/action.ts';
import { fail } from '../gateway-error.ts';
import type { Envelope } from './envelope.ts';

/** The regions of the TencentDB for PostgreSQL API reference, used when the catalogue has none. */
export const DEFAULT_REGIONS = [
  'ap-bangkok', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-guangzhou', 'ap-hongkong', 'ap-jakarta', 'ap-nanjing', 'ap-seoul',
  'ap-shanghai', 'ap-shanghai-fsi', 'ap-shenzhen-fsi', 'ap-singapore', 'ap-tokyo', 'eu-frankfurt', 'na-ashburn', 'na-siliconvalley', 'sa-saopaulo',
];

/** The request's region ("" when it has none and the action needs none). */
export function checkRegion(envelope: Envelope, def: ActionDefinition, regions: ReadonlySet<string>): string {
  // The intl SDK sends the literal "null" when the client has none.
  const region = envelope.region === 'null' ? undefined : envelope.region;
  if (region) {
    if (!regions.has(region)) fail('UnsupportedRegion', region.slice(0, 64));
  } else if (def.regionRequired !== false) fail('MissingParameter', envelope.names.region);
  return region ?? '';
}
