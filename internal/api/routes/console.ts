/**
 * /console: the operator console, static files built by `npm run build` (console/ bundled by esbuild into
 * dist/console). Read on first use, then kept; no CDN, no inline script, so it runs under a strict CSP.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { packageRoot } from '../../core/paths.js';

const TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

export function consoleRoutes({ dir = join(packageRoot(), 'dist', 'console') }: { dir?: string } = {}) {
  const app = new Hono();
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
  const serve = async (name: string) => {
    const type = TYPES[name];
    if (!type) return undefined;
    try {
      return { body: new Uint8Array(await asset(name)), type };
    } catch {
      return undefined;
    }
  };
  app.get('/console', async (c) => {
    const f = await serve('index.html');
    if (!f) return c.text('The console is not built: run `npm run build`.', 404);
    return c.body(f.body, 200, { 'Content-Type': f.type, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
  });
  app.get('/console/:asset', async (c) => {
    const f = await serve(c.req.param('asset'));
    if (!f) return c.notFound();
    return c.body(f.body, 200, { 'Content-Type': f.type, 'Cache-Control': 'no-cache' });
  });
  return app;
}
