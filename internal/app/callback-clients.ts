/**
 * The callback worker's view of the clients, and what of it a config reload (SIGHUP) changes: the webhook
 * secrets only, so that a secret is rotated without a restart (`webhookSecretsFile` is read again on reload).
 */
import type { WorkerClient } from '../callbacks/callback-worker.js';
import { secretKey } from '../callbacks/signature.js';
import type { ClientConfig, FileConfig } from '../config/schema.js';
import type { ReloadResult } from './reload.js';

export function callbackClients(clients: readonly ClientConfig[]): Map<string, WorkerClient> {
  return new Map(clients.map((c) => [c.id, { callbackUrl: c.callbackUrl, callbackEvents: c.callbackEvents, keys: c.webhookSecrets.map(secretKey) }]));
}

/**
 * Gives the clients the worker knows the secrets of `file`. Their callbackUrl and callbackEvents, and clients
 * added since the start, wait for a restart: the status writers settle at their own start whether changes are
 * forwarded at all and which, so applying those here would only half apply them. A client gone from the file
 * keeps its secrets, which sign the callbacks still owed to it.
 */
export function applyWebhookSecrets(clients: Map<string, WorkerClient>, file: FileConfig): ReloadResult {
  for (const c of file.clients) {
    const known = clients.get(c.id);
    if (known) clients.set(c.id, { ...known, keys: c.webhookSecrets.map(secretKey) });
  }
  return { ok: true, applied: ['clients[].webhookSecrets'] };
}
