/**
 * One callback POST over node:http(s): keep-alive agents, a hard deadline for the whole exchange (connect, send,
 * answer), the SSRF guard on the address connected to, and the answer classified into an AttemptOutcome. The
 * receiver's body is read and dropped (at most 64 KiB is kept waiting for), never parsed.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { errorMessage } from '../core/errors.js';
import { classifyStatus, type AttemptOutcome } from './retry-policy.js';
import { checkLiteralTarget, guardedLookup, RefusedTargetError } from './target-guard.js';

export interface PosterOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Sockets kept per host; bounded by the per-endpoint concurrency anyway. */
  maxSockets: number;
  now?: () => number;
}

export interface Poster {
  post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<AttemptOutcome>;
  close(): void;
}

export function createPoster(o: PosterOptions): Poster {
  const now = o.now ?? Date.now;
  const agentOpts = { keepAlive: true, maxSockets: o.maxSockets, maxFreeSockets: o.maxSockets, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOpts);
  const https = new HttpsAgent(agentOpts);

  function post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<AttemptOutcome> {
    let u: URL;
    try {
      u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${u.protocol} is not http: or https:`);
      if (!o.allowPrivateTargets) checkLiteralTarget(u);
    } catch (err) {
      return Promise.resolve({ kind: 'refused', reason: err instanceof RefusedTargetError ? `target refused: ${err.message}` : `bad URL: ${errorMessage(err)}` });
    }
    const secure = u.protocol === 'https:';
    const data = Buffer.from(body, 'utf8');
    return new Promise<AttemptOutcome>((resolve) => {
      let done = false;
      const finish = (r: AttemptOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = (secure ? httpsRequest : httpRequest)(
        u,
        {
          method: 'POST',
          agent: secure ? https : http,
          // Object.assign, not a spread followed by new keys: V8 adds those on a slow path, and this runs for every callback.
          headers: Object.assign({}, headers, { 'content-type': 'application/json', 'content-length': String(data.length), 'user-agent': 'smsmesh-callbacks/1' }),
          ...(o.allowPrivateTargets ? {} : { lookup: guardedLookup }),
        },
        (res: IncomingMessage) => {
          const outcome = classifyStatus(res.statusCode ?? 0, res.headers['retry-after'], now());
          let seen = 0;
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            // A receiver that streams an endless body is answered by its status alone.
            if (seen > 65_536) {
              res.destroy();
              finish(outcome);
            }
          });
          res.on('end', () => finish(outcome));
          res.on('error', () => finish(outcome));
        },
      );
      const timer = setTimeout(() => {
        finish({ kind: 'retry', reason: `no answer within ${o.timeoutMs} ms` });
        req.destroy();
      }, o.timeoutMs);
      req.on('error', (err) => {
        finish(err instanceof RefusedTargetError ? { kind: 'refused', reason: `target refused: ${err.message}` } : { kind: 'retry', reason: `connection failed: ${errorMessage(err)}` });
      });
      req.end(data);
    });
  }

  return {
    post,
    close() {
      http.destroy();
      https.destroy();
    },
  };
}
