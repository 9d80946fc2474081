// Stage 3, the action: its name and version, in the service the credential scope (TC3) or the Host
// label names; without one, the action's name alone (postgres first when several services have it).
import type { FastifyRequest } from 'fastify';
import type { ActionDefinition } from '../../core/action.ts';
import { fail } from '../gateway-error.ts';
import type { Registry } from '../registry.ts';
import type { Trace } from '../trace.ts';
import { header } from '../http-util.ts';
import type { Envelope } from './envelope.ts';

/** Services pgcloud emulates (or will): a credential scope or Host label naming one picks it. */
export const KNOWN_SERVICES = ['postgres', 'vpc', 'tag', 'kms', 'billing', 'monitor'];

const ACTION_RE = /^[A-Za-z][A-Za-z0-9]{0,79}$/;

export class ActionIndex {
  readonly services: Set<string>;
  private readonly byName = new Map<string, ActionDefinition[]>();

  constructor(private readonly registry: Registry) {
    this.services = new Set([...KNOWN_SERVICES, ...registry.all().map((d) => d.service)]);
    for (const def of registry.all()) this.byName.set(def.name, [...(this.byName.get(def.name) ?? []), def]);
  }

  has(action: string): boolean {
    return this.byName.has(action);
  }

  resolve(service: string | undefined, action: string, version: string): ActionDefinition {
    if (service !== undefined) {
      const def = this.registry.get(service, action);
      if (!def) return fail('InvalidAction', action);
      if (def.version !== version) fail('NoSuchVersion', version.slice(0, 32), action);
      return def;
    }
    const candidates = this.byName.get(action);
    if (!candidates) return fail('InvalidAction', action);
    const atVersion = candidates.filter((d) => d.version === version);
    if (atVersion.length === 0) return fail('NoSuchVersion', version.slice(0, 32), action);
    return atVersion.find((d) => d.service === 'postgres') ?? atVersion[0]!;
  }
}

export function resolveAction(envelope: Envelope, request: FastifyRequest, index: ActionIndex, trace: Trace): ActionDefinition {
  const { action, version, names, scope } = envelope;
  if (!action) return fail('MissingParameter', names.action);
  if (!ACTION_RE.test(action)) return fail('InvalidAction', action.slice(0, 80));
  if (!version) return fail('MissingParameter', names.version);
  const hostLabel = (header(request.headers.host) ?? '').split('.')[0]!.split(':')[0]!.toLowerCase();
  const service = scope !== undefined && index.services.has(scope) ? scope : index.services.has(hostLabel) ? hostLabel : undefined;
  // An unknown action is still logged with the service the client addressed (else its raw scope).
  trace.service = service ?? scope?.slice(0, 32);
  const def = index.resolve(service, action, version);
  trace.service = def.service;
  return def;
}
