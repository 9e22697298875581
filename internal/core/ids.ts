/** Message ids: UUIDv7 (time-ordered, so database indexes stay append-mostly) or derived from an idempotency key. */
import { hash, randomBytes } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function format(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]!];
  }
  return s;
}

// Random bytes are drawn in blocks: one syscall per 1,024 ids instead of one per id.
let pool = randomBytes(16 * 1024);
let poolPos = 0;

export function newMessageId(nowMs: number = Date.now()): string {
  if (poolPos + 10 > pool.length) {
    pool = randomBytes(16 * 1024);
    poolPos = 0;
  }
  const b = new Uint8Array(16);
  let ts = nowMs;
  for (let i = 5; i >= 0; i--) {
    b[i] = ts % 256;
    ts = Math.floor(ts / 256);
  }
  for (let i = 6; i < 16; i++) b[i] = pool[poolPos++]!;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return format(b);
}

/**
 * The id for a request that carries an Idempotency-Key: the same client and key always give the same id,
 * so a retried request is deduplicated by JetStream (Nats-Msg-Id) and answers with the first id.
 */
export function idempotentMessageId(clientId: string, key: string): string {
  // One-shot hash to hex (no Buffer, no per-byte formatting): this runs on every keyed request. The id is the first
  // 16 bytes as a UUID with version 8 (custom, name-based) and the RFC 9562 variant, as ids.test.ts pins them.
  const h = hash('sha256', `${clientId}\0${key}`, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${VARIANT[h.charCodeAt(16)]!}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A hex digit's high two bits replaced by 10 (the variant), by its character code. */
const VARIANT: string[] = [];
for (let v = 0; v < 16; v++) VARIANT[v.toString(16).charCodeAt(0)] = ((v & 0x3) | 0x8).toString(16);

export const MESSAGE_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
