// Serves the web console (src/console/: static HTML, JS and CSS, no build step) under /console.
// The console is only a client: it signs its API calls in the browser and POSTs them to `/`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const CONSOLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'console');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Chart.js (the instance page's monitoring charts), served from its package as /console/vendor/chart.js. */
function chartJs(): Buffer | undefined {
  try {
    return fs.readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'));
  } catch {
    return undefined;
  }
}

export function registerConsole(app: FastifyInstance): void {
  // Read once: the set of files is fixed, and nothing outside it can be asked for.
  const files = new Map<string, { type: string; body: Buffer }>();
  if (fs.existsSync(CONSOLE_DIR)) {
    for (const name of fs.readdirSync(CONSOLE_DIR)) {
      const type = TYPES[path.extname(name)];
      if (type) files.set(name, { type, body: fs.readFileSync(path.join(CONSOLE_DIR, name)) });
    }
  }
  const chart = chartJs();
  if (chart) files.set('vendor/chart.js', { type: TYPES['.js']!, body: chart });
  const serveFile = (name: string) => {
    const file = files.get(name);
    return file ? { ...file } : undefined;
  };

  app.get('/console', (_request, reply) => reply.redirect('/console/', 302));
  app.get('/console/*', (request, reply) => {
    const name = (request.params as { '*': string })['*'] || 'index.html';
    const file = serveFile(name);
    if (!file) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').headers(HEADERS).send('not found\n');
    return reply.code(200).header('content-type', file.type).headers(HEADERS).send(file.body);
  });
}
