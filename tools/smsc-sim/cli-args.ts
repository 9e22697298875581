/** The smsc-sim command line: flags to SimulatorOptions, with the usage text; bad input is a value, not a throw. */
import { parseArgs } from 'node:util';
import { FlagError, isNonNegative, isShare, optionalNumberFlag } from '../shared/flag-values.js';
import { isReceiptStat, ReceiptStat } from './receipt-format.js';
import type { SimulatorOptions } from './simulator.js';

export const DEFAULT_SIM_PORT = 2775;

export const SIMULATOR_USAGE = `Usage: smsc-sim [options]

A simulated SMPP 3.4 SMSC: accepts binds, answers submit_sm, sends delivery receipts.

Options:
  --host <addr>                 listen address (default 0.0.0.0)
  --port <n>                    listen port, 0 = any free port (default ${DEFAULT_SIM_PORT})
  --system-id <id>              accept only this system_id (else ESME_RINVSYSID)
  --password <pw>               accept only this password (else ESME_RINVPASWD)
  --receipt-delay-ms <n>        delay before each delivery receipt (default 0)
  --no-receipts                 never send delivery receipts
  --receipt-stat <stat>         receipt stat: ${Object.keys(ReceiptStat).join(', ')} (default DELIVRD)
  --throttle-share <0..1>       share of submits answered ESME_RTHROTTLED (default 0)
  --reject-share <0..1>         share of submits answered ESME_RINVDSTADR (default 0)
  --max-tps <n>                 per-session submit rate above which ESME_RTHROTTLED is answered
  --respond-delay-ms <n>        answer each submit_sm after this delay (default 0)
  --silent-share <0..1>         share of submits never answered (default 0)
  --receipt-before-resp         send each receipt before the submit_sm_resp
  --congestion-state <0..100>   put SMPP 5.0 congestion_state in every submit_sm_resp
  --message-id-format <fmt>     hex or decimal (default hex)
  --window-size <n>             our window for deliver_sm (default 256)
  --report-every-s <n>          every n seconds, log accepted submits per second and the open sessions
  -h, --help                    print this help
`;

export type SimulatorArgs =
  | { kind: 'help' }
  | { kind: 'run'; options: SimulatorOptions & { host: string; port: number }; reportEveryS?: number | undefined }
  | { kind: 'error'; message: string };

export function parseSimulatorArgs(argv: string[]): SimulatorArgs {
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'system-id': { type: 'string' },
        password: { type: 'string' },
        'receipt-delay-ms': { type: 'string' },
        'no-receipts': { type: 'boolean' },
        'receipt-stat': { type: 'string' },
        'throttle-share': { type: 'string' },
        'reject-share': { type: 'string' },
        'max-tps': { type: 'string' },
        'respond-delay-ms': { type: 'string' },
        'silent-share': { type: 'string' },
        'receipt-before-resp': { type: 'boolean' },
        'congestion-state': { type: 'string' },
        'message-id-format': { type: 'string' },
        'window-size': { type: 'string' },
        'report-every-s': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return { kind: 'help' };
    const stat = values['receipt-stat'];
    if (stat !== undefined && !isReceiptStat(stat)) {
      throw new FlagError(`--receipt-stat must be one of ${Object.keys(ReceiptStat).join(', ')}, got '${stat}'`);
    }
    const format = values['message-id-format'];
    if (format !== undefined && format !== 'hex' && format !== 'decimal') {
      throw new FlagError(`--message-id-format must be hex or decimal, got '${format}'`);
    }
    const port = optionalNumberFlag('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number') ?? DEFAULT_SIM_PORT;
    return {
      kind: 'run',
      options: {
        host: values.host ?? '0.0.0.0',
        port,
        systemId: values['system-id'],
        password: values.password,
        receipts: !values['no-receipts'],
        receiptDelayMs: optionalNumberFlag('receipt-delay-ms', values['receipt-delay-ms'], isNonNegative, 'a non-negative number'),
        receiptStat: stat,
        throttleShare: optionalNumberFlag('throttle-share', values['throttle-share'], isShare, 'between 0 and 1'),
        rejectShare: optionalNumberFlag('reject-share', values['reject-share'], isShare, 'between 0 and 1'),
        maxTps: optionalNumberFlag('max-tps', values['max-tps'], isNonNegative, 'a non-negative number'),
        respondDelayMs: optionalNumberFlag('respond-delay-ms', values['respond-delay-ms'], isNonNegative, 'a non-negative number'),
        silentShare: optionalNumberFlag('silent-share', values['silent-share'], isShare, 'between 0 and 1'),
        receiptBeforeResp: values['receipt-before-resp'] ? true : undefined,
        congestionState: optionalNumberFlag('congestion-state', values['congestion-state'], (n) => Number.isInteger(n) && n >= 0 && n <= 100, 'an integer 0..100'),
        messageIdFormat: format,
        windowSize: optionalNumberFlag('window-size', values['window-size'], (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
      },
      reportEveryS: optionalNumberFlag('report-every-s', values['report-every-s'], (n) => Number.isInteger(n) && n >= 1, 'a positive integer'),
    };
  } catch (err) {
    // parseArgs reports unknown flags and missing values as TypeErrors with a readable message.
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}
