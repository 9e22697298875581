/** `make bench-bind`: submit_sm/s of one connector bind at windows 1, 10 and 100 against the simulator. */
import { measureBindThroughput } from '../tools/bench/bind-throughput.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { isPositiveInteger, isWholeAtLeast, numberFlag } from '../tools/shared/flag-values.js';

const usage = `Usage: node dist/cmd/bench-bind.js [--windows 1,10,100] [--messages 20000] [--help]

Preloads a backlog into JetStream and measures how fast one connector bind (no TPS limit) drains it into the
SMSC simulator (receipts on), once per window size. Loopback only; run nothing else meanwhile.`;

const { windows, messages } = commandFlags(
  usage,
  { windows: { type: 'string', default: '1,10,100' }, messages: { type: 'string', default: '20000' } },
  (v) => ({
    windows: v.windows.split(',').map((w) => numberFlag('windows', w, 1, isPositiveInteger, 'a list of positive whole numbers')),
    messages: numberFlag('messages', v.messages, 20000, isWholeAtLeast(100), 'a whole number of at least 100'),
  }),
);
const log = (line: string) => process.stdout.write(`${line}\n`);
for (const window of windows) await measureBindThroughput({ window, messages, log });
process.exit(0);
