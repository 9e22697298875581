/** What the config says about callbacks as a whole: whether changes are forwarded at all, and which. Pure. */
import type { ForwardScope } from '../bus/codec-changes.js';
import type { FileConfig } from '../config/schema.js';

type CallbackConfig = Pick<FileConfig, 'callbacks'> & { clients: readonly { callbackUrl?: string | undefined; callbackEvents: 'final' | 'all' }[] };

/**
 * Changes are forwarded when `callbacks.enabled` says so or, unset, when some client has a callbackUrl: a
 * deployment without callbacks pays nothing for them.
 */
export function callbacksEnabled(cfg: CallbackConfig): boolean {
  return cfg.callbacks.enabled ?? cfg.clients.some((c) => c.callbackUrl !== undefined);
}

/** Submits and intermediate receipts travel only when some client asks for every change. */
export function forwardScope(cfg: CallbackConfig): ForwardScope {
  return cfg.clients.some((c) => c.callbackEvents === 'all') ? 'all' : 'final';
}
