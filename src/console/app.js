// The pgcloud web console: a client of the API like any other. The key pair stays in this tab's
// sessionStorage; every call is signed here (tc3.js) and POSTed to `/`.
import { callApi } from './tc3.js';

const POLL_MS = 1500;
const main = document.getElementById('main');
let pollTimer;

// ---- session ---------------------------------------------------------------------------------

const SESSION_KEY = 'pgcloud.credentials';
const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    } catch {
      return null;
    }
  },
  set(c) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(c));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

const api = (action, params, opts) => callApi(session.get(), action, params, opts);

// ---- DOM helpers -----------------------------------------------------------------------------

/** h('tag.class#id', {attrs}, ...children): text children are text nodes (never HTML). */
function h(spec, attrs = {}, ...children) {
  const [, tag, rest] = /^([a-z0-9]+)(.*)$/.exec(spec);
  const el = document.createElement(tag);
  for (const m of rest.matchAll(/([.#])([\w-]+)/g)) {
    if (m[1] === '.') el.classList.add(m[2]);
    else el.id = m[2];
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

const render = (...nodes) => main.replaceChildren(...nodes);
const errorText = (e) => (e && e.code ? `${e.code}: ${e.message}${e.requestId ? `\n(RequestId ${e.requestId})` : ''}` : String((e && e.message) || e));
const statusBadge = (s) => h(`span.status.${String(s).replace(/\s+/g, '-')}`, { 'data-status': s }, s);
const privateNet = (inst) => (inst.DBInstanceNetInfo || []).find((n) => n.NetType === 'private' && n.Ip);

function connectionUrl(inst, user) {
  const net = privateNet(inst);
  return net ? `postgres://${encodeURIComponent(user)}@${net.Ip}:${net.Port}/postgres` : '';
}

// ---- routes ----------------------------------------------------------------------------------

function route() {
  clearTimeout(pollTimer);
  const creds = session.get();
  document.getElementById('who').textContent = creds ? `${creds.secretId.slice(0, 8)}… · ${creds.region}` : '';
  document.getElementById('signout').hidden = !creds;
  const hash = location.hash || '#/instances';
  if (!creds) return signIn();
  if (hash === '#/create') return createPage();
  const m = /^#\/instances\/([\w-]+)$/.exec(hash);
  if (m) return instancePage(m[1]);
  return listPage();
}

window.addEventListener('hashchange', route);
document.getElementById('signout').addEventListener('click', () => {
  session.clear();
  location.hash = '#/instances';
  route();
});

// ---- sign in ---------------------------------------------------------------------------------

function signIn() {
  const err = h('div.error#signin-error');
  const form = h(
    'form.grid#signin',
    {
      async onsubmit(ev) {
        ev.preventDefault();
        const f = new FormData(form);
        const creds = { secretId: String(f.get('secretId')).trim(), secretKey: String(f.get('secretKey')).trim(), region: String(f.get('region')).trim() || 'ap-guangzhou' };
        err.textContent = '';
        try {
          // A signed call proves the pair before it is kept.
          await callApi(creds, 'DescribeDBInstances', { Limit: 1 });
          session.set(creds);
          location.hash = '#/instances';
          route();
        } catch (e) {
          err.textContent = errorText(e);
        }
      },
    },
    h('label', { for: 'secretId' }, 'SecretId'),
    h('input#secretId', { name: 'secretId', required: true, autocomplete: 'username', spellcheck: 'false' }),
    h('label', { for: 'secretKey' }, 'SecretKey'),
    h('input#secretKey', { name: 'secretKey', type: 'password', required: true, autocomplete: 'current-password' }),
    h('label', { for: 'region' }, 'Region'),
    h('input#region', { name: 'region', value: 'ap-guangzhou' }),
    h('span'),
    h('div', {}, h('button', { type: 'submit' }, 'Sign in')),
  );
  render(
    h('h1', {}, 'Sign in'),
    h('div.card', {}, h('p.muted', {}, 'Use an API key pair (pgcloud serve prints the default one, or see credentials.json in its data directory). It is kept in this tab only.'), form, err),
  );
}

// ---- instance list ---------------------------------------------------------------------------

function listPage() {
  const err = h('div.error');
  const tbody = h('tbody');
  const table = h(
    'table#instances',
    {},
    h('thead', {}, h('tr', {}, ...['ID', 'Name', 'Status', 'Version', 'Spec', 'Storage', 'Zone', 'Address'].map((t) => h('th', {}, t)))),
    tbody,
  );
  render(
    h('div.toolbar', {}, h('h1.grow', {}, 'Instances'), h('a.button#create-link', { href: '#/create' }, 'Create instance')),
    err,
    table,
  );
  const load = async () => {
    try {
      const all = [];
      for (let offset = 0; ; offset += 100) {
        const r = await api('DescribeDBInstances', { Limit: 100, Offset: offset });
        all.push(...(r.DBInstanceSet || []));
        if ((r.DBInstanceSet || []).length < 100) break;
      }
      err.textContent = '';
      tbody.replaceChildren(
        ...(all.length
          ? all.map((i) => {
              const net = privateNet(i);
              return h(
                'tr',
                { dataset: { id: i.DBInstanceId } },
                h('td.mono', {}, h('a', { href: `#/instances/${i.DBInstanceId}` }, i.DBInstanceId)),
                h('td', {}, i.DBInstanceName),
                h('td', {}, statusBadge(i.DBInstanceStatus)),
                h('td', {}, i.DBVersion),
                h('td.mono', {}, i.DBInstanceClass),
                h('td', {}, `${i.DBInstanceStorage} GB`),
                h('td', {}, i.Zone),
                h('td.mono', {}, net ? `${net.Ip}:${net.Port}` : '–'),
              );
            })
          : [h('tr', {}, h('td.muted', { colspan: 8 }, 'No instances yet.'))]),
      );
    } catch (e) {
      err.textContent = errorText(e);
    }
    if (location.hash === '' || location.hash === '#/instances') pollTimer = setTimeout(load, POLL_MS);
  };
  load();
}

// ---- create ----------------------------------------------------------------------------------

async function createPage() {
  const err = h('div.error#create-error');
  render(h('h1', {}, 'Create instance'), err, h('p.muted', {}, 'Loading the catalogue…'));
  let zones, versions;
  try {
    [zones, versions] = await Promise.all([api('DescribeZones', {}), api('DescribeDBVersions', {})]);
  } catch (e) {
    err.textContent = errorText(e);
    return;
  }
  const zoneSet = (zones.ZoneSet || []).filter((z) => z.ZoneState === 'AVAILABLE');
  const versionSet = (versions.VersionSet || []).filter((v) => v.Status === 'AVAILABLE').sort((a, b) => Number(b.DBMajorVersion) - Number(a.DBMajorVersion));
  const option = (value, label) => h('option', { value }, label);

  const zone = h('select#zone', { name: 'zone' }, ...zoneSet.map((z) => option(z.Zone, `${z.Zone} (${z.ZoneName})`)));
  const standby = h('select#standby-zone', { name: 'standbyZone' });
  const version = h('select#version', { name: 'version' }, ...versionSet.map((v) => option(v.DBMajorVersion, `PostgreSQL ${v.DBMajorVersion} (${v.DBVersion})`)));
  const spec = h('select#spec', { name: 'spec' });
  const storage = h('input#storage', { name: 'storage', type: 'number', min: 10, step: 10, value: 10, required: true });

  const fillStandby = () => {
    const z = zoneSet.find((x) => x.Zone === zone.value);
    standby.replaceChildren(option('', 'none (single node)'), ...((z && z.StandbyZoneSet) || []).map((s) => option(s, s)));
  };
  const fillSpecs = async () => {
    spec.replaceChildren(option('', 'loading…'));
    spec.disabled = true;
    try {
      const r = await api('DescribeClasses', { Zone: zone.value, DBEngine: 'postgresql', DBMajorVersion: version.value });
      const classes = (r.ClassInfoSet || []).sort((a, b) => a.CPU - b.CPU || a.Memory - b.Memory);
      spec.replaceChildren(...classes.map((c) => h('option', { value: c.SpecCode, dataset: { min: c.MinStorage, max: c.MaxStorage } }, `${c.SpecCode} · ${c.CPU} CPU · ${c.Memory / 1024} GB (${c.MinStorage}–${c.MaxStorage} GB)`)));
      spec.disabled = false;
      err.textContent = '';
    } catch (e) {
      err.textContent = errorText(e);
    }
  };
  zone.addEventListener('change', () => {
    fillStandby();
    fillSpecs();
  });
  version.addEventListener('change', fillSpecs);
  fillStandby();

  const field = (label, input) => [h('label', { for: input.id }, label), input];
  const submit = h('button#create-submit', { type: 'submit' }, 'Create');
  const form = h(
    'form.grid#create-form',
    {
      async onsubmit(ev) {
        ev.preventDefault();
        const f = new FormData(form);
        const tags = String(f.get('tags') || '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((t) => {
            const eq = t.indexOf('=');
            return eq > 0 ? { TagKey: t.slice(0, eq), TagValue: t.slice(eq + 1) } : { TagKey: t, TagValue: '' };
          });
        const req = {
          Zone: zone.value,
          SpecCode: spec.value,
          Storage: Number(storage.value),
          InstanceCount: Number(f.get('count')) || 1,
          Period: 1,
          Charset: String(f.get('charset')),
          AdminName: String(f.get('adminName')),
          AdminPassword: String(f.get('adminPassword')),
          DBMajorVersion: version.value,
          InstanceChargeType: String(f.get('chargeType')),
        };
        if (f.get('name')) req.Name = String(f.get('name'));
        if (tags.length) req.TagList = tags;
        if (standby.value) req.DBNodeSet = [{ Role: 'Primary', Zone: zone.value }, { Role: 'Standby', Zone: standby.value }];
        submit.disabled = true;
        err.textContent = '';
        try {
          const r = await api('CreateInstances', req);
          const ids = r.DBInstanceIdSet || [];
          location.hash = ids.length === 1 ? `#/instances/${ids[0]}` : '#/instances';
        } catch (e) {
          err.textContent = errorText(e);
          submit.disabled = false;
        }
      },
    },
    ...field('Zone', zone),
    ...field('Standby zone', standby),
    ...field('Version', version),
    ...field('Spec', spec),
    ...field('Storage (GB)', storage),
    ...field('Name', h('input#name', { name: 'name', maxlength: 60, placeholder: 'unnamed' })),
    ...field('Admin account', h('input#admin-name', { name: 'adminName', value: 'dbadmin', required: true, autocomplete: 'off' })),
    ...field('Admin password', h('input#admin-password', { name: 'adminPassword', type: 'password', required: true, autocomplete: 'new-password' })),
    ...field('Charset', h('select#charset', { name: 'charset' }, option('UTF8', 'UTF8'), option('LATIN1', 'LATIN1'))),
    ...field('Billing', h('select#charge-type', { name: 'chargeType' }, option('POSTPAID_BY_HOUR', 'Pay as you go (hourly)'), option('PREPAID', 'Monthly subscription (1 month)'))),
    ...field('Count', h('input#count', { name: 'count', type: 'number', min: 1, max: 10, value: 1 })),
    ...field('Tags', h('input#tags', { name: 'tags', placeholder: 'key=value, key2=value2' })),
    h('span'),
    h('div', {}, submit, ' ', h('a', { href: '#/instances' }, 'Cancel')),
  );
  render(h('h1', {}, 'Create instance'), err, h('div.card', {}, form));
  await fillSpecs();
}

// ---- one instance ----------------------------------------------------------------------------

async function adminUser(id) {
  try {
    const r = await api('DescribeAccounts', { DBInstanceId: id });
    const accounts = r.Details || [];
    const admin = accounts.find((a) => /super/i.test(String(a.UserType || ''))) || accounts[0];
    if (admin && admin.UserName) return admin.UserName;
  } catch {
    /* the service may not have DescribeAccounts */
  }
  return 'dbadmin';
}

// ---- monitoring charts (Cloud Monitor GetMonitorData, namespace QCE/POSTGRES) -------------------

/** Charts of the instance page: metric, title, unit. */
const CHARTS = [
  ['Connections', 'Connections', ''],
  ['Cpu', 'CPU', '%'],
  ['MemoryRate', 'Memory use', '%'],
  ['Tps', 'Transactions', '/s'],
  ['TupInserted', 'Rows inserted', '/s'],
  ['HitPercent', 'Cache hit', '%'],
];
/** Time ranges and the periods each offers (the finest first: at most 7200 points a request). */
const RANGES = { '1h': [3600, [5, 60, 300]], '1d': [86400, [60, 300, 3600]], '7d': [7 * 86400, [300, 3600, 86400]] };
const isoSeconds = (t) => new Date(t * 1000).toISOString().replace(/\.\d+Z$/, '+00:00');
const clock = (t, withDate) => {
  const d = new Date(t * 1000);
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: withDate ? undefined : '2-digit' });
  return withDate ? `${d.toLocaleDateString([], { month: '2-digit', day: '2-digit' })} ${hm}` : hm;
};

/** The monitoring section of an instance page: a range and period choice and one chart per metric, refreshed live. */
function monitoringSection(id) {
  const err = h('div.error#monitor-error');
  const range = h('select#monitor-range', { 'aria-label': 'Time range' }, h('option', { value: '1h' }, 'Last hour'), h('option', { value: '1d' }, 'Last day'), h('option', { value: '7d' }, 'Last week'));
  const period = h('select#monitor-period', { 'aria-label': 'Period' });
  const grid = h('div.charts');
  const charts = new Map();
  for (const [metric, title, unit] of CHARTS) {
    const canvas = h('canvas', { id: `chart-${metric}`, role: 'img', 'aria-label': `${title} chart` });
    const figure = h('figure.chart', { dataset: { metric } }, h('figcaption', {}, title, unit ? ` (${unit})` : ''), canvas);
    grid.append(figure);
    const chart = window.Chart
      ? new window.Chart(canvas, { type: 'line', data: { labels: [], datasets: [{ label: title, data: [], borderWidth: 1.5, pointRadius: 2, tension: 0.2 }] }, options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } } })
      : undefined;
    charts.set(metric, { chart, figure });
  }
  const setPeriods = () => {
    const [, periods] = RANGES[range.value];
    period.replaceChildren(...periods.map((p) => h('option', { value: p }, p < 60 ? `${p} s` : p < 3600 ? `${p / 60} min` : p < 86400 ? `${p / 3600} h` : '1 day')));
  };
  setPeriods();
  let timer;
  const load = async () => {
    clearTimeout(timer);
    if (!document.body.contains(grid)) return;
    const [span] = RANGES[range.value];
    const p = Number(period.value);
    const now = Math.floor(Date.now() / 1000);
    try {
      await Promise.all(
        CHARTS.map(async ([metric]) => {
          const res = await api('GetMonitorData', { Namespace: 'QCE/POSTGRES', MetricName: metric, Period: p, StartTime: isoSeconds(now - span), EndTime: isoSeconds(now), Instances: [{ Dimensions: [{ Name: 'resourceId', Value: id }] }] }, { service: 'monitor', version: '2018-07-24' });
          const dp = (res.DataPoints || [])[0] || {};
          const { chart, figure } = charts.get(metric);
          const values = dp.Values || [];
          // The latest figure, for people and tests alike (the canvas is a picture).
          figure.dataset.latest = values.length ? String(values[values.length - 1]) : '';
          figure.dataset.max = values.length ? String(Math.max(...values)) : '';
          if (chart) {
            chart.data.labels = (dp.Timestamps || []).map((t) => clock(t, span > 86400));
            chart.data.datasets[0].data = values;
            chart.update();
          }
        }),
      );
      err.textContent = '';
    } catch (e) {
      err.textContent = errorText(e);
    }
    // Live: as often as the period's points come (every 5 s at most).
    timer = setTimeout(load, Math.max(5000, Math.min(p * 1000, 60000)));
  };
  range.addEventListener('change', () => (setPeriods(), load()));
  period.addEventListener('change', load);
  // First load once the section is on the page (it stops when the page is left).
  setTimeout(load, 0);
  return h('section#monitoring', {}, h('h2', {}, 'Monitoring'), h('div.toolbar', {}, h('label', {}, 'Range ', range), h('label', {}, 'Period ', period)), err, grid);
}

function instancePage(id) {
  const err = h('div.error#instance-error');
  const body = h('div#instance');
  render(h('p', {}, h('a', { href: '#/instances' }, '← Instances')), h('h1', {}, id), err, body, monitoringSection(id));
  let user;
  const act = async (fn) => {
    err.textContent = '';
    try {
      await fn();
      clearTimeout(pollTimer);
      load();
    } catch (e) {
      err.textContent = errorText(e);
    }
  };
  const load = async () => {
    let inst;
    try {
      inst = (await api('DescribeDBInstanceAttribute', { DBInstanceId: id })).DBInstance;
      user ??= await adminUser(id);
    } catch (e) {
      if (e.code && e.code.startsWith('ResourceNotFound')) {
        body.replaceChildren(h('p#gone', {}, 'This instance no longer exists.'));
        return;
      }
      err.textContent = errorText(e);
      pollTimer = setTimeout(load, POLL_MS);
      return;
    }
    const status = inst.DBInstanceStatus;
    const url = connectionUrl(inst, user);
    const prop = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
    body.replaceChildren(
      h(
        'div.toolbar',
        {},
        h('span.grow', {}, statusBadge(status), ' ', inst.DBInstanceName),
        h('button.secondary#isolate', {
          disabled: !['running', 'readonly', 'limited run'].includes(status),
          onclick: () => {
            if (confirm(`Isolate ${id}? Its server stops; its data is kept until it is destroyed.`)) act(() => api('IsolateDBInstances', { DBInstanceIdSet: [id] }));
          },
        }, 'Isolate'),
        h('button.danger#destroy', {
          disabled: status !== 'isolated',
          title: status === 'isolated' ? '' : 'Isolate the instance first',
          onclick: () => {
            const answer = prompt(`Destroy ${id}? Its data is deleted for good. Type the instance ID to confirm.`);
            if (answer === id) act(() => api('DestroyDBInstance', { DBInstanceId: id }));
            else if (answer !== null) err.textContent = 'Not destroyed: the ID did not match.';
          },
        }, 'Destroy'),
      ),
      h('h2', {}, 'Connection'),
      h('div.card', {}, url ? h('div.url#connection-url', {}, url) : h('p.muted', {}, 'No address yet.'), h('p.muted', {}, 'Add the admin password to the URL, or let your client ask for it.')),
      h('h2', {}, 'Configuration'),
      h(
        'div.card',
        {},
        h(
          'dl.props',
          {},
          ...prop('Status', statusBadge(status)),
          ...prop('Version', `PostgreSQL ${inst.DBVersion} (kernel ${inst.DBKernelVersion})`),
          ...prop('Spec', `${inst.DBInstanceClass}: ${inst.DBInstanceCpu} CPU, ${inst.DBInstanceMemory} GB memory`),
          ...prop('Storage', `${inst.DBInstanceStorage} GB`),
          ...prop('Charset', inst.DBCharset),
          ...prop('Region / zone', `${inst.Region} / ${inst.Zone}`),
          ...prop('Billing', inst.PayType),
          ...prop('Deletion protection', inst.DeletionProtection ? 'on' : 'off'),
          ...prop('Created', inst.CreateTime),
          ...prop('Tags', (inst.TagList || []).length ? (inst.TagList || []).map((t) => `${t.TagKey}=${t.TagValue}`).join(', ') : '–'),
        ),
      ),
      h('h2', {}, 'Nodes'),
      h('table#nodes', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Role'), h('th', {}, 'Zone'))), h('tbody', {}, ...(inst.DBNodeSet || []).map((n) => h('tr', {}, h('td', {}, n.Role), h('td', {}, n.Zone))))),
      h('h2', {}, 'Network'),
      h(
        'table#network',
        {},
        h('thead', {}, h('tr', {}, ...['Type', 'Address', 'Port', 'Status', 'VPC', 'Subnet'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...(inst.DBInstanceNetInfo || []).map((n) => h('tr', {}, h('td', {}, n.NetType), h('td.mono', {}, n.Ip || n.Address || '–'), h('td', {}, n.Port || '–'), h('td', {}, n.Status), h('td.mono', {}, n.VpcId || '–'), h('td.mono', {}, n.SubnetId || '–')))),
      ),
    );
    if (location.hash === `#/instances/${id}`) pollTimer = setTimeout(load, POLL_MS);
  };
  load();
}

route();
