/** The `make drills` command line: which drills, at what rate, for how long. */
import { parseArgs } from 'node:util';
import { FlagError, isPositive, isPositiveInteger, numberFlag } from '../shared/flag-values.js';
import { DRILLS, SHORT_DRILLS } from './drill-catalogue.js';

export const DRILLS_USAGE = `Usage: node dist/cmd/drills.js [--drills a,b] [--short] [--rate 1000] [--load 40] [--fault-at 10] [--drain 180] [--help]

Fault drills: starts a 3-node NATS JetStream cluster (R3 streams), a PostgreSQL cluster of its own, the SMSC
simulator and the gateway split into two edges, two connector processes and a status writer, all on loopback; then
for each drill drives a steady load through the HTTP API (a client that retries 503s with an Idempotency-Key),
injects the fault, and prints one row: accepted, finally persisted, lost (must be 0), duplicates at the SMSC
against their bound, seconds with client errors, seconds to full recovery. Exit status 1 when a drill lost a
message or exceeded its duplicate bound.

  --drills <a,b>     which drills (default: all): ${DRILLS.map((d) => d.name).join(', ')}
  --short            the short set (${SHORT_DRILLS.join(', ')}) at 100/s for 15 s each, as make test runs it
  --rate <n>         messages per second (default 1000)
  --load <s>         seconds of load per drill (default 40)
  --fault-at <s>     seconds into the load when the fault starts (default 10)
  --drain <s>        seconds to wait for the last messages to reach a final state (default 180)
  --out <dir>        where the table and JSON go (default bench-results/drills-<time>)
`;

export interface DrillArgs {
  drills: string[];
  rate: number;
  loadS: number;
  faultAtS: number;
  drainS: number;
  out: string | undefined;
}

export function parseDrillArgs(argv: string[]): { kind: 'run'; args: DrillArgs } | { kind: 'help' } | { kind: 'error'; message: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        drills: { type: 'string' },
        short: { type: 'boolean' },
        rate: { type: 'string' },
        load: { type: 'string' },
        'fault-at': { type: 'string' },
        drain: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    const short = values.short === true;
    const names = values.drills ? values.drills.split(',').map((x) => x.trim()).filter(Boolean) : short ? [...SHORT_DRILLS] : DRILLS.map((d) => d.name);
    const unknown = names.filter((x) => !DRILLS.some((d) => d.name === x));
    if (unknown.length > 0) throw new FlagError(`--drills: unknown drill(s) ${unknown.join(', ')}`);
    const args: DrillArgs = {
      drills: names,
      rate: numberFlag('rate', values.rate, short ? 100 : 1000, isPositive, 'a positive number'),
      loadS: numberFlag('load', values.load, short ? 15 : 40, isPositiveInteger, 'a positive whole number of seconds'),
      faultAtS: numberFlag('fault-at', values['fault-at'], short ? 4 : 10, isPositiveInteger, 'a positive whole number of seconds'),
      drainS: numberFlag('drain', values.drain, 180, isPositiveInteger, 'a positive whole number of seconds'),
      out: values.out,
    };
    if (args.faultAtS >= args.loadS) throw new FlagError('--fault-at must be less than --load');
    return { kind: 'run', args };
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
