/**
 * /docs: a browsable API reference (Swagger UI) over /openapi.json, its assets served from the swagger-ui-dist npm
 * package — nothing is fetched from a CDN, so it works offline and under a strict CSP (no inline script).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>smsmesh API reference</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="api-reference"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>
`;
// validatorUrl null: Swagger UI's default badge would send the document's URL to an outside validator.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api-reference', deepLinking: true, validatorUrl: null });\n`;

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

export function docsRoutes() {
  const app = new Hono();
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // Read on first use, then kept: a few MB the edge needs only when someone opens the page.
  const cache = new Map<string, Promise<Buffer>>();
  const asset = (name: string) => {
    let p = cache.get(name);
    if (!p) {
      p = readFile(join(dir, name));
      cache.set(name, p);
      p.catch(() => cache.delete(name));
    }
    return p;
  };
  app.get('/docs', (c) => c.html(PAGE));
  app.get('/docs/:asset', async (c) => {
    const name = c.req.param('asset');
    if (name === 'init.js') return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[name];
    if (!type) return c.notFound();
    return c.body(new Uint8Array(await asset(name)), 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
  return app;
}
