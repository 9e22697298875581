/** Bearer API-key authentication and scope checks for HTTP: the shared resolver (frontdoor/client-auth) decides, this only wires it. */
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../../config/schema.js';
import { missingScope, type ApiClient, type AuthResult } from '../../frontdoor/client-auth.js';
import { reply } from '../problem.js';

export type { ApiClient } from '../../frontdoor/client-auth.js';
export type AuthEnv = { Variables: { client: ApiClient } };

export const apiKeyAuth = (authenticate: (authorization: string | undefined) => AuthResult): MiddlewareHandler<AuthEnv> =>
  async function apiKeyAuth(c, next) {
    const a = authenticate(c.req.header('authorization'));
    if (!a.ok) return reply(c, a.reply);
    c.set('client', a.client);
    await next();
  };

/** 403 problem unless the authenticated key has `scope` (runs after apiKeyAuth). */
export const requireScope = (scope: Scope): MiddlewareHandler<AuthEnv> =>
  async function requireScope(c, next) {
    const denied = missingScope(c.get('client'), scope);
    if (denied) return reply(c, denied);
    await next();
  };
