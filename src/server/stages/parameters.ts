// Stage 6, the action's parameters: un-flattened (v1, form, GET) or parsed (JSON), coerced and
// validated against the action's request schema.
import type { ActionDefinition } from '../../core/action.ts';
import { fromFlat, fromJson, parseForm, parseJsonBody } from '../params.ts';
import type { Envelope } from './envelope.ts';

export function readParameters(envelope: Envelope, def: ActionDefinition): unknown {
  const { input } = envelope;
  if ('json' in input) return fromJson(parseJsonBody(input.json), def.request);
  return fromFlat('flat' in input ? input.flat : parseForm(input.formText), def.request);
}
