/**
 * NATS message headers in their wire form, for the two per-message paths that touch them.
 *
 * nats.js builds a header object for every publish (a Map, a check of each name and value, a string, then a
 * TextEncoder pass), and on receipt decodes a message's whole header block into such an object before one value
 * can be read. An edge sends two headed publishes per keyed SMS and a connector reads one header of every MT it
 * fetches; together that was 3–4 % of each process in `make bench --perf`. Here a publish's header block is one
 * string made into bytes, and a received value is found in the header bytes.
 *
 * Both rely on nats-core 3.4 (pinned; test/bus/nats-client-contract.test.ts holds it): `publish` reads nothing of
 * `headers` but `encode()`, and a received message keeps its raw bytes and header length, which `headerValue`
 * checks before using and otherwise leaves to the client's own decoding.
 */
import type { Msg, MsgHdrs } from '@nats-io/nats-core';

const HEAD = 'NATS/1.0';
const CR_OR_LF = /[\r\n]/;
/** A header name as nats.js accepts one: printable ASCII (33–126) but the colon. */
const NAME = /^[!-9;-~]+$/;
/** Names already checked: a process publishes with a handful of them, each millions of times. */
const goodNames = new Set<string>();

/** What nats-core's publish asks of its `headers` option. */
interface EncodedHeaders {
  encode(): Uint8Array;
}

/**
 * The header block of a publish: `Nats-Msg-Id` (none when `msgID` is empty) after `extra`, names as given and values
 * trimmed, as nats.js writes them. Undefined when there is no header at all, so that the publish is a plain PUB.
 * What nats.js refuses is refused too: a value holding CR or LF, a name beyond printable ASCII or with a colon.
 */
export function headerBlock(msgID: string, extra?: Readonly<Record<string, string>>): MsgHdrs | undefined {
  let s = HEAD;
  if (extra) for (const k in extra) s += line(k, extra[k]!);
  if (msgID !== '') s += line('Nats-Msg-Id', msgID);
  if (s.length === HEAD.length) return undefined;
  const bytes = Buffer.from(`${s}\r\n\r\n`);
  const block: EncodedHeaders = { encode: () => bytes };
  return block as unknown as MsgHdrs;
}

function line(name: string, value: string): string {
  if (!goodNames.has(name)) {
    if (!NAME.test(name)) throw new TypeError(`header name ${JSON.stringify(name)}: only printable ASCII without a colon, as in nats.js`);
    if (goodNames.size < 256) goodNames.add(name);
  }
  if (CR_OR_LF.test(value)) throw new TypeError(`header ${name}: values cannot contain CR or LF`);
  return `\r\n${name}: ${value.trim()}`;
}

/** The raw parts of a received message, as nats-core 3.4's MsgImpl keeps them. */
interface RawMsg {
  _rdata?: unknown;
  _msg?: { hdr?: unknown };
}

/**
 * The first value of header `name` (exact name, value trimmed) of a received message, or undefined when it has no
 * such header: what `m.headers?.get(name) || undefined` gives, without decoding every header. `m` is a core message
 * or a JetStream one (nats-core's JsMsg wraps the core message as `msg`).
 */
export function headerValue(m: Pick<Msg, 'headers'>, name: string): string | undefined {
  const core = ('msg' in m ? (m as { msg: unknown }).msg : m) as RawMsg;
  const data = core._rdata;
  const hdr = core._msg?.hdr;
  if (!(data instanceof Uint8Array) || typeof hdr !== 'number' || hdr > data.length) return m.headers?.get(name) || undefined;
  if (hdr < 0) return undefined;
  const block = Buffer.from(data.buffer, data.byteOffset, hdr).toString();
  const at = block.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  const end = block.indexOf('\r\n', from);
  const value = block.slice(from, end < 0 ? block.length : end).trim();
  return value === '' ? undefined : value;
}
