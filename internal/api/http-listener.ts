/** The edge's node:http request listener: single sends served directly (direct-send.ts), every other request by the Hono app. */
import type { RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { DirectHandler } from './direct-send.js';

export function httpListener(app: Hono, direct: DirectHandler, hostname?: string): RequestListener {
  const hono = getRequestListener(app.fetch, hostname === undefined ? {} : { hostname });
  return (req, res) => {
    if (!direct(req, res)) void hono(req, res);
  };
}
