/** The loadgen command line: flags to options, with the usage text; bad input is a value, not a throw. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FlagError, isPositive, isPositiveInteger, numberFlag } from '../shared/flag-values.js';
import { DEFAULT_MIX, parseMix, type MixWeights } from './message-mix.js';

export const LOADGEN_USAGE = `Usage: loadgen [options]

Open-model HTTP load generator for smsmesh (the stand-in for k6 on machines without it): requests start on a
fixed schedule whatever the latency, over keep-alive sockets, with the benchmark's message mix (80 % 1-segment
GSM, 10 % UCS-2, 10 % 3-segment GSM), a per-message Idempotency-Key and distinct destinations. Arrivals that
find the in-flight cap full are dropped and counted, never queued. Latency is measured from each request's
intended start. Exits 1 when a threshold fails (like k6 thresholds).

Options:
  --url <url>              target base URL; repeat to round-robin over several edges (default http://127.0.0.1:8080)
  --api-key <key>          API key (default $API_KEY)
  --rate <n>               arrivals per second, all workers together (default 2000)
  --duration <s>           seconds of load (default 30)
  --workers <n>            generator processes (default 1; add one when "late" requests show up)
  --max-in-flight <n>      outstanding requests before arrivals are dropped, all workers (default 2000)
  --sockets <n>            keep-alive sockets per target URL, all workers (default 256)
  --mix <g,u,l>            shares of 1-segment GSM, UCS-2, 3-segment GSM (default 80,10,10)
  --timeout-ms <n>         per-request timeout (default 10000)
  --run-tag <tag>          prefix of Idempotency-Keys and clientRefs (default lg-<time>)
  --target <kind>          smsmesh (POST /v1/messages) or kannel (GET /cgi-bin/sendsms) (default smsmesh)
  --batch-size <n>         smsmesh: n messages per request, POST /v1/messages/batch (each with its idempotencyKey);
                           --rate stays messages per second (requests/s = rate / n), accepted counts messages (default 1)
  --nats <url>             smsmesh over the NATS API (sms.api.v1.send, or .batch with --batch-size) at this nats:// URL
                           instead of HTTP: closed-loop requesters for --duration s (--rate is then not used)
  --requesters <n>         NATS API: concurrent requesters, each sending its next request when answered (default 50)
  --no-idempotency-keys    send no Idempotency-Key (the key stays the clientRef): measures the unkeyed accept path,
                           one JetStream write per message instead of three
  --kannel-user <u>        sendsms username (kannel target)
  --kannel-password <p>    sendsms password (kannel target)
  --dlr-url <url>          Kannel dlr-url base (kannel target; k, p, t and s=%d are appended)
  --dlr-mask <n>           Kannel dlr-mask (default 19: delivered, undeliverable, SMSC reject)
  --warmup <s>             unmeasured warm-up first, at up to 500/s (JIT, sockets), run tag <run-tag>w (default 2; 0 = none)
  --ids-dir <dir>          append accepted message ids to <dir>/<run-tag>-w<k>.ids
  --json <file>            write the summary as JSON
  --p99-limit-ms <ms>      threshold on p99 accept latency (default 50)
  --max-error-rate <r>     threshold on the share of failed or dropped requests (default 0.001)
  --quiet                  no per-second lines
  -h, --help               print this help
`;

export interface LoadgenOptions {
  urls: string[];
  apiKey: string | undefined;
  rate: number;
  durationS: number;
  workers: number;
  maxInFlight: number;
  sockets: number;
  mix: MixWeights;
  timeoutMs: number;
  runTag: string;
  target: 'smsmesh' | 'kannel';
  batchSize: number;
  natsUrl: string | undefined;
  requesters: number;
  keys: boolean;
  kannelUser: string | undefined;
  kannelPassword: string | undefined;
  dlrUrl: string | undefined;
  dlrMask: number;
  warmupS: number;
  idsDir: string | undefined;
  json: string | undefined;
  p99LimitMs: number;
  maxErrorRate: number;
  quiet: boolean;
}

export const LOADGEN_OPTIONS = {
  url: { type: 'string', multiple: true },
  'api-key': { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  workers: { type: 'string' },
  'max-in-flight': { type: 'string' },
  sockets: { type: 'string' },
  mix: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'run-tag': { type: 'string' },
  target: { type: 'string' },
  'batch-size': { type: 'string' },
  nats: { type: 'string' },
  requesters: { type: 'string' },
  'no-idempotency-keys': { type: 'boolean' },
  'kannel-user': { type: 'string' },
  'kannel-password': { type: 'string' },
  'dlr-url': { type: 'string' },
  'dlr-mask': { type: 'string' },
  warmup: { type: 'string' },
  'ids-dir': { type: 'string' },
  json: { type: 'string' },
  'p99-limit-ms': { type: 'string' },
  'max-error-rate': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type LoadgenArgs = { kind: 'help' } | { kind: 'run'; options: LoadgenOptions } | { kind: 'error'; message: string };

function positiveNumber(flag: string, raw: string | undefined, fallback: number, integer = false): number {
  return integer
    ? numberFlag(flag, raw, fallback, isPositiveInteger, 'a positive integer')
    : numberFlag(flag, raw, fallback, isPositive, 'a positive number');
}

export function parseLoadgenArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadgenArgs {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: LOADGEN_OPTIONS,
    });
    if (values.help) return { kind: 'help' };
    const target = values.target ?? 'smsmesh';
    if (target !== 'smsmesh' && target !== 'kannel') throw new FlagError(`--target must be smsmesh or kannel, got '${target}'`);
    const urls = values.url && values.url.length > 0 ? values.url : ['http://127.0.0.1:8080'];
    for (const u of urls) {
      let parsed: URL;
      try {
        parsed = new URL(u);
      } catch {
        throw new FlagError(`--url must be an http:// URL, got '${u}'`);
      }
      if (parsed.protocol !== 'http:') throw new FlagError(`--url must be an http:// URL, got '${u}'`);
    }
    if (values.nats !== undefined && !/^nats:\/\//.test(values.nats)) throw new FlagError(`--nats must be a nats:// URL, got '${values.nats}'`);
    if (values.nats !== undefined && target !== 'smsmesh') throw new FlagError('--nats drives the smsmesh NATS API; it does not go with --target kannel');
    const apiKey = values['api-key'] ?? env.API_KEY;
    if (target === 'smsmesh' && !apiKey) throw new FlagError('--api-key (or $API_KEY) is required; `make dev` prints one');
    if (target === 'kannel' && (!values['kannel-user'] || !values['kannel-password'] || !values['dlr-url'])) {
      throw new FlagError('--target kannel needs --kannel-user, --kannel-password and --dlr-url');
    }
    let mix = DEFAULT_MIX;
    if (values.mix !== undefined) {
      try {
        mix = parseMix(values.mix);
      } catch (err) {
        throw new FlagError(`--mix: ${(err as Error).message}`);
      }
    }
    const maxErrorRate = values['max-error-rate'] === undefined ? 0.001 : Number(values['max-error-rate']);
    if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) throw new FlagError(`--max-error-rate must be between 0 and 1, got '${values['max-error-rate']}'`);
    const runTag = values['run-tag'] ?? `lg-${Date.now().toString(36)}`;
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(runTag)) throw new FlagError(`--run-tag must be 1 to 40 of [A-Za-z0-9_-], got '${runTag}'`);
    return {
      kind: 'run',
      options: {
        urls,
        apiKey,
        rate: positiveNumber('rate', values.rate, 2000),
        durationS: positiveNumber('duration', values.duration, 30),
        workers: positiveNumber('workers', values.workers, 1, true),
        maxInFlight: positiveNumber('max-in-flight', values['max-in-flight'], 2000, true),
        sockets: positiveNumber('sockets', values.sockets, 256, true),
        mix,
        timeoutMs: positiveNumber('timeout-ms', values['timeout-ms'], 10_000, true),
        runTag,
        target,
        batchSize: positiveNumber('batch-size', values['batch-size'], 1, true),
        natsUrl: values.nats,
        requesters: positiveNumber('requesters', values.requesters, 50, true),
        keys: values['no-idempotency-keys'] !== true,
        kannelUser: values['kannel-user'],
        kannelPassword: values['kannel-password'],
        dlrUrl: values['dlr-url'],
        dlrMask: positiveNumber('dlr-mask', values['dlr-mask'], 19, true),
        warmupS: values.warmup === undefined ? 2 : Number(values.warmup) === 0 ? 0 : positiveNumber('warmup', values.warmup, 2),
        idsDir: values['ids-dir'],
        json: values.json,
        p99LimitMs: positiveNumber('p99-limit-ms', values['p99-limit-ms'], 50),
        maxErrorRate,
        quiet: values.quiet === true,
      },
    };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
