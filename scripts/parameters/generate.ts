// Writes src/core/catalog/parameters.json: the parameters pgcloud offers for each installed PostgreSQL
// major, from the real servers' pg_settings and the policy beside this file (policy.ts).
//
//   node --import tsx scripts/parameters/generate.ts
//
// Starts one server per installed major through the local engine (in a temporary directory, removed
// afterwards, with every process and, as root, every instance user it made), reads its settings
// (Engine.settings), its time zone names and text search configurations, then merges them with the
// policy. Re-run it when a PostgreSQL package or the policy changes; parameter IDs already given are kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import pino from 'pino';
import { createLocalEngine } from '../../src/engine/local/index.ts';
import type { ServerSetting } from '../../src/engine/types.ts';
import type { ParamType, ParameterEntry } from '../../src/core/catalog/parameters.ts';
import { scramVerifier } from '../../src/core/scram.ts';
import { CLASS_CN, DESC_CN, EXCLUDED, EXCLUDED_CATEGORIES, OVERRIDES, PRELOADABLE, RENAMED, SPEC_RELATED, STANDBY_RELATED } from './policy.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = path.join(repo, 'src/core/catalog/parameters.json');
const PASSWORD = 'Generate#Params2026';

interface Observed {
  major: number;
  version: string;
  settings: ServerSetting[];
  timezones: string[];
  textSearch: string[];
  libraries: Set<string>;
}

/** Per-major facts of one parameter, as the catalogue gives them. */
type Variant = Pick<ParameterEntry, 'type' | 'unit' | 'min' | 'max' | 'enum' | 'exclusive' | 'default' | 'needReboot'>;

async function observe(): Promise<Observed[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgcloud-parameters-'));
  fs.chmodSync(root, 0o755); // as root, PostgreSQL runs as a user that must traverse it
  const engine = await createLocalEngine({ dataDir: path.join(root, 'engine'), log: pino({ level: 'warn' }) });
  const out: Observed[] = [];
  const made: string[] = [];
  try {
    for (const { major, version } of engine.installedVersions()) {
      const id = `postgres-gen${major}`;
      made.push(id);
      const port = 25400 + Number(major);
      await engine.ensureRunning({ id, major, encoding: 'UTF8', cpu: 1, memoryMb: 2048, storageGb: 10, host: '127.0.0.1', port, adminName: 'dbadmin', adminVerifier: scramVerifier(PASSWORD) });
      const { settings } = await engine.settings(id);
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'dbadmin', password: PASSWORD, database: 'postgres' });
      await client.connect();
      const timezones = (await client.query('SELECT name FROM pg_timezone_names ORDER BY name')).rows.map((r) => r.name as string);
      const textSearch = (await client.query("SELECT 'pg_catalog.' || cfgname AS n FROM pg_ts_config ORDER BY cfgname")).rows.map((r) => r.n as string);
      await client.end();
      const lib = path.join(repo, 'node_modules', `pg${major}`, 'native/lib/postgresql');
      const libraries = new Set(PRELOADABLE.filter((l) => fs.existsSync(path.join(lib, `${l}.so`))));
      out.push({ major: Number(major), version, settings, timezones, textSearch, libraries });
      await engine.destroy(id);
      console.log(`PostgreSQL ${version}: ${settings.length} settings`);
    }
  } finally {
    // destroy also removes each instance's system user (as root).
    for (const id of made) await engine.destroy(id).catch((e) => console.error(`could not remove ${id}: ${e}`));
    await engine.stopAll();
    fs.rmSync(root, { recursive: true, force: true });
  }
  return out;
}

const num = (v: string | null): number | undefined => (v === null || v === '' ? undefined : Number(v));

/** The variant a major offers, or undefined (with the reason) when it is not offered there. */
function variantOf(s: ServerSetting, name: string, o: Observed): Variant | string {
  if (EXCLUDED_CATEGORIES.some((c) => s.category.startsWith(c))) return 'category';
  if (s.context === 'internal') return 'internal';
  if (EXCLUDED[s.name] || EXCLUDED[name]) return 'excluded';
  const ov = OVERRIDES[name]?.majors && !OVERRIDES[name]!.majors!.includes(o.major) ? undefined : OVERRIDES[name];
  const type: ParamType = ov?.type ?? s.vartype;
  if (s.vartype === 'string' && !ov) return 'free-form string';
  let values: string[] | undefined;
  if (type === 'bool') values = ['on', 'off'];
  if (type === 'enum' || type === 'mutil_enum') {
    values = ov?.enum ?? s.enumValues ?? undefined;
    if (name === 'default_text_search_config') values = o.textSearch;
    if (name === 'shared_preload_libraries') values = [...o.libraries];
    if (s.enumValues && ov?.enum) values = ov.enum.filter((v) => s.enumValues!.includes(v));
    if (!values?.length) throw new Error(`${name}: no values for ${type}`);
  }
  if (type === 'string' && !ov?.check) throw new Error(`${name}: a free-form string needs a check`);
  const v: Variant = { type, unit: s.unit ?? '', default: s.resetValue ?? s.setting, needReboot: s.context === 'postmaster' };
  if (type === 'integer' || type === 'real') {
    v.min = Math.max(num(s.min)!, ov?.min ?? -Infinity);
    v.max = Math.min(num(s.max)!, ov?.max ?? Infinity);
  }
  if (values) v.enum = values;
  if (ov?.exclusive) v.exclusive = ov.exclusive;
  return v;
}

function topCategory(c: string): string {
  const top = c.split(' / ')[0]!;
  if (c === 'Vacuuming / Automatic Vacuuming') return 'Autovacuum';
  if (c.startsWith('Reporting and Logging / Process Title')) return 'Process Title';
  return top;
}

function build(observed: Observed[]) {
  const previous = fs.existsSync(OUT) ? (JSON.parse(fs.readFileSync(OUT, 'utf8')) as { parameters: Array<{ id: number; name: string }> }) : { parameters: [] };
  const ids = new Map(previous.parameters.map((p) => [p.name, p.id]));
  let nextId = Math.max(0, ...ids.values()) + 1;
  const byName = new Map<string, { variants: Map<number, Variant>; settings: Map<number, ServerSetting> }>();
  const skipped = new Map<string, string>();
  for (const o of observed) {
    for (const s of o.settings) {
      const name = RENAMED[s.name] ?? s.name;
      const v = variantOf(s, name, o);
      if (typeof v === 'string') {
        skipped.set(name, v);
        continue;
      }
      const e = byName.get(name) ?? { variants: new Map(), settings: new Map() };
      e.variants.set(o.major, v);
      e.settings.set(o.major, s);
      byName.set(name, e);
    }
  }
  const parameters = [...byName]
    .map(([name, { variants, settings }]) => {
      const majors = [...variants.keys()].sort((a, b) => a - b);
      const newest = majors.at(-1)!;
      const base = variants.get(newest)!;
      const classEN = topCategory(settings.get(majors[0]!)!.category);
      if (!CLASS_CN[classEN]) throw new Error(`${name}: no Chinese name for category ${classEN}`);
      for (let m = majors[0]!; m <= newest; m++) if (!variants.has(m) && observed.some((o) => o.major === m)) throw new Error(`${name}: offered in ${majors.join(',')} with a gap`);
      const by: Record<string, Partial<Variant>> = {};
      for (const m of majors) {
        if (m === newest) continue;
        const v = variants.get(m)!;
        const diff: Partial<Variant> = {};
        for (const k of Object.keys({ ...base, ...v }) as Array<keyof Variant>) {
          if (JSON.stringify(v[k]) !== JSON.stringify(base[k])) (diff as any)[k] = v[k] ?? null;
        }
        if (Object.keys(diff).length) by[m] = diff;
      }
      const descEN = settings.get(newest)!.description;
      return {
        id: ids.get(name) ?? 0,
        name,
        ...(RENAMED[settings.get(newest)!.name] ? { pgName: settings.get(newest)!.name } : {}),
        since: majors[0],
        until: newest,
        ...base,
        ...(OVERRIDES[name]?.check ? { check: OVERRIDES[name]!.check } : {}),
        specRelated: SPEC_RELATED.includes(name),
        standbyRelated: STANDBY_RELATED.includes(name) ? 1 : 0,
        advanced: false,
        classEN,
        classCN: CLASS_CN[classEN],
        descEN,
        descCN: DESC_CN[name] ?? descEN,
        ...(Object.keys(by).length ? { by } : {}),
      };
    })
    .sort((a, b) => a.since! - b.since! || (a.name < b.name ? -1 : 1));
  for (const p of parameters) if (!p.id) p.id = nextId++;
  parameters.sort((a, b) => a.id - b.id);
  const timezones = observed.map((o) => new Set(o.timezones)).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  return { parameters, timezones: [...timezones].sort(), skipped };
}

const observed = await observe();
const { parameters, timezones, skipped } = build(observed);
const lines = [
  '{',
  '  "_doc": "Generated by scripts/parameters/generate.ts from the pg_settings of each installed major and scripts/parameters/policy.ts: do not edit by hand. Each parameter is offered from major since to until; its fields are those of the newest major, by[major] lists what differs in an older one. type: integer | real | bool | enum | mutil_enum | string (ParamValueType); unit: the base unit a bare number is read in; default: the value a new instance runs with (specRelated ones follow the spec at run time, src/core/sizing.ts); needReboot: applied by a restart (context postmaster); check: the syntax a free-form string must have; exclusive: values a mutil_enum takes only on their own.",',
  `  "versions": ${JSON.stringify(Object.fromEntries(observed.map((o) => [o.major, o.version])))},`,
  '  "parameters": [',
  parameters.map((p) => `    ${JSON.stringify(p)}`).join(',\n'),
  '  ],',
  `  "timezones": ${JSON.stringify(timezones)}`,
  '}',
  '',
];
fs.writeFileSync(OUT, lines.join('\n'));
const offered = observed.map((o) => `${o.major}: ${parameters.filter((p) => p.since! <= o.major && p.until! >= o.major).length}`).join(', ');
console.log(`wrote ${path.relative(repo, OUT)}: ${parameters.length} parameters (per major ${offered}), ${timezones.length} time zones`);
const strings = [...skipped].filter(([, why]) => why === 'free-form string').map(([n]) => n);
console.log(`not offered, free-form strings without a check: ${strings.join(', ')}`);
