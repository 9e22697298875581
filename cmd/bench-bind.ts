/** `make bench-bind`: submit_sm/s of one connector bind at windows 1, 10 and 100 against the simulator. */
import { parseArgs } from 'node:util';
import { measureBindThroughput } from '../tools/bench/bind-throughput.js';

const usage = `Usage: node dist/cmd/bench-bind.js [--windows 1,10,100] [--messages 20000] [--help]

Preloads a backlog into JetStream and measures how fast one connector bind (no TPS limit) drains it into the
SMSC simulator (receipts on), once per window size. Loopback only; run nothing else meanwhile.`;

let values;
try {
  ({ values } = parseArgs({
    options: { windows: { type: 'string', default: '1,10,100' }, messages: { type: 'string', default: '20000' }, help: { type: 'boolean', short: 'h' } },
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const windows = values.windows.split(',').map(Number);
const messages = Number(values.messages);
if (windows.some((w) => !Number.isInteger(w) || w < 1) || !Number.isInteger(messages) || messages < 100) {
  process.stderr.write(`--windows takes positive integers and --messages at least 100\n\n${usage}\n`);
  process.exit(2);
}
const log = (line: string) => process.stdout.write(`${line}\n`);
for (const window of windows) await measureBindThroughput({ window, messages, log });
process.exit(0);
