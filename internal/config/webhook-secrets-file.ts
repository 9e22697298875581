/**
 * The content of a `clients[].webhookSecretsFile`: one Standard Webhooks secret per line. A list rather than one
 * value because rotation needs two at once (every secret signs, a receiver accepts any): add the new line, move
 * the receiver over, remove the old line.
 */
import { MAX_WEBHOOK_SECRETS, webhookSecretSchema } from './schema.js';

/**
 * The secrets in `text`, or what is wrong with it. Problems name `path` and the line, never the line's content:
 * a mistyped secret is still mostly a secret, and these messages end up in logs.
 */
export function parseWebhookSecretsFile(text: string, path: string): { ok: true; secrets: string[] } | { ok: false; problems: string[] } {
  const secrets: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const s = line.trim();
    if (s === '') return;
    const r = webhookSecretSchema.safeParse(s);
    if (r.success) secrets.push(s);
    else problems.push(`${path} line ${i + 1}: ${r.error.issues[0]?.message ?? 'not a Standard Webhooks secret'}; generate one with: echo "whsec_$(openssl rand -base64 32)"`);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (secrets.length === 0) return { ok: false, problems: [`${path} holds no secret: write one "whsec_…" secret per line`] };
  if (secrets.length > MAX_WEBHOOK_SECRETS) {
    return { ok: false, problems: [`${path} holds ${secrets.length} secrets, at most ${MAX_WEBHOOK_SECRETS}: remove those no receiver verifies with any more`] };
  }
  return { ok: true, secrets };
}
