/**
 * POST /v1/messages, the one request an edge serves thousands of times a second, answered on node:http directly.
 * Through Hono each send also builds a web Request facade, a Context, a chain of four middleware promises and a
 * Response that the adapter unpacks again; here it is the same steps without them. Every step is the one the Hono
 * route takes — the same authentication, scope check, size and media-type checks, front door, problem bodies and
 * metrics — and direct-send.test.ts holds the two to the same answers. Anything else (another path or
 * method, a chunked body, which only Hono's streaming limit can check, a repeated Authorization or Content-Type) is
 * declined and goes to the Hono app.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getQueryParam } from 'hono/utils/url';
import { TRACEPARENT } from '../core/trace-context.js';
import { missingScope, type AuthResult } from '../frontdoor/client-auth.js';
import type { FrontDoor } from '../frontdoor/front-door.js';
import { internalProblem } from '../frontdoor/front-door.js';
import { problemReply, type Reply } from '../frontdoor/reply.js';
import type { Logger } from '../log/logger.js';
import type { EdgeMetrics } from '../metrics/edge.js';
import { labelled } from '../metrics/labelled.js';
import { notJsonDetail, tooLargeDetail } from './http-checks.js';
import { replyContentType } from './problem.js';

export interface DirectSendDeps {
  frontDoor: FrontDoor;
  authenticate: (authorization: string | undefined) => AuthResult;
  maxBodyBytes: number;
  metrics: EdgeMetrics;
  log: Logger;
}

/** The path served, and the route label Hono's request metrics give it: one series counts it however it was served. */
const PATH = '/v1/messages';

/** Serves the request and returns true when it is a single send with a declared length; false leaves it untouched. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function directSend(deps: DirectSendDeps): DirectHandler {
  const { frontDoor, authenticate, maxBodyBytes, metrics, log } = deps;
  const duration = labelled(metrics.requestDuration, { method: 'POST', route: PATH }, 'status');
  const problems = labelled(metrics.rejectedRequests, {}, 'problem');

  function answer(res: ServerResponse, r: Reply, start: number): void {
    const body = JSON.stringify(r.body);
    const headers: Record<string, string | number> = {
      'Content-Type': replyContentType(r.status),
      'Content-Length': Buffer.byteLength(body),
    };
    if (r.headers) for (const k in r.headers) headers[k] = r.headers[k]!;
    res.writeHead(r.status, headers);
    res.end(body);
    duration(String(r.status)).observe((performance.now() - start) / 1000);
    if (r.problem) problems(r.problem).inc();
  }

  async function serve(req: IncomingMessage, res: ServerResponse, start: number, url: string): Promise<void> {
    const auth = authenticate(req.headers.authorization);
    if (!auth.ok) return answer(res, auth.reply, start);
    const denied = missingScope(auth.client, 'send');
    if (denied) return answer(res, denied, start);
    if (Number(req.headers['content-length']) > maxBodyBytes) {
      return answer(res, problemReply('payloadTooLarge', tooLargeDetail(maxBodyBytes)), start);
    }
    const type = req.headers['content-type'];
    const notJson = notJsonDetail(type);
    if (notJson) return answer(res, problemReply('unsupportedMediaType', notJson), start);
    const body = await readBody(req);
    if (body === undefined) return; // the client went away: nothing was sent, there is no one to answer
    const r = await frontDoor.send(auth.client, {
      body,
      idempotencyKey: header(req, 'idempotency-key'),
      // Hono's own reader, so a parameter decodes as it does there (it looks for the '?' from the 9th character on,
      // which the path's 12 leave in place).
      dryRun: url.length > PATH.length ? (getQueryParam(url, 'dryRun') as string | undefined) : undefined,
      traceparent: header(req, TRACEPARENT),
    });
    answer(res, r, start);
  }

  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || !url.startsWith(PATH) || (url.length > PATH.length && url.charCodeAt(PATH.length) !== 63 /* ? */)) return false;
    if (req.headers['content-length'] === undefined || req.headers['transfer-encoding'] !== undefined) return false;
    if (repeatsAuthOrType(req.rawHeaders)) return false;
    const start = performance.now();
    serve(req, res, start, url).catch((err: unknown) => {
      log.error({ err, path: PATH }, 'unhandled error in request');
      if (!res.headersSent) answer(res, { status: 500, body: internalProblem(), problem: 'internal' }, start);
      else res.destroy();
    });
    return true;
  };
}

/**
 * Two Authorization or Content-Type headers: Node keeps the first, where Hono joins them (and so refuses the key or
 * the type). Such a request goes to Hono, so that it is refused here too.
 */
function repeatsAuthOrType(raw: string[]): boolean {
  let auth = 0;
  let type = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') auth++;
    else if (name.length === 12 && name.toLowerCase() === 'content-type') type++;
  }
  return auth > 1 || type > 1;
}

/** A header as Hono's c.req.header gives it. Node already joins a repeated one with ", "; only set-cookie is a list. */
function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The whole body as bytes (its length is declared and already checked), or undefined when the client went away. */
function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('close', () => {
      if (!req.readableEnded) resolve(undefined);
    });
  });
}
