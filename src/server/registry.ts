// The action registry: every file src/services/<service>/actions/<Action>.ts is an action.
// Discovered at start so adding an action is adding one file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ActionDefinition } from '../core/action.ts';

const servicesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'services');

export interface Registry {
  /** Looks an action up by its service's name as the client addresses it, e.g. ("postgres", "CreateInstances"). */
  get(service: string, action: string): ActionDefinition | undefined;
  /** All actions of any service with this name (used when the client's service label is not a service name). */
  byName(action: string): ActionDefinition[];
  all(): ActionDefinition[];
}

export async function loadRegistry(dir = servicesDir): Promise<Registry> {
  const files: Array<{ service: string; file: string; path: string }> = [];
  for (const service of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!service.isDirectory()) continue;
    const actionsDir = path.join(dir, service.name, 'actions');
    if (!fs.existsSync(actionsDir)) continue;
    for (const file of fs.readdirSync(actionsDir).sort()) if (file.endsWith('.ts')) files.push({ service: service.name, file, path: path.join(actionsDir, file) });
  }
  // Imported all at once: each TypeScript module is compiled on the way in, and one at a time the
  // waits add up to seconds on a loaded machine.
  const mods = await Promise.all(files.map((f) => import(pathToFileURL(f.path).href)));
  const defs = files.map(({ service, file }, i) => {
    const def = mods[i].default as ActionDefinition;
    if (!def || def.name !== file.slice(0, -3) || def.service !== service) {
      throw new Error(`${service}/actions/${file} must export default an action named ${file.slice(0, -3)} of service ${service}`);
    }
    return def;
  });
  const byKey = new Map(defs.map((d) => [`${d.service}/${d.name}`, d]));
  return {
    get: (service, action) => byKey.get(`${service}/${action}`),
    byName: (action) => defs.filter((d) => d.name === action),
    all: () => [...defs],
  };
}
