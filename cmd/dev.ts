/** `make dev`: the local stack (nats-server, SMSC simulator, gateway) in one command. */
import { parseArgs } from 'node:util';
import { runDevStack } from '../tools/devstack/dev-stack.js';

const usage = `Usage: node dist/cmd/dev.js [--port 8080] [--smsc-port 2775] [--data-dir .data] [--help]

Listens on 127.0.0.1 unless HOST is set (e.g. HOST=0.0.0.0 to be reached from other machines).

Starts nats-server with JetStream (unless NATS_URL or 127.0.0.1:4222 answers), the SMSC simulator and the
gateway with all roles (embedded database unless DATABASE_URL is set), then prints an API key and a curl line.`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      'smsc-port': { type: 'string', default: '2775' },
      'data-dir': { type: 'string', default: process.env.SMSMESH_DATA_DIR ?? '.data' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${usage}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
try {
  await runDevStack({
    dataDir: values['data-dir'],
    port: Number(values.port),
    // A development gateway answers this machine only, unless HOST says otherwise (the gateway's own default is 0.0.0.0).
    host: process.env.HOST ?? '127.0.0.1',
    smscPort: Number(values['smsc-port']),
    natsUrl: process.env.NATS_URL,
    out: (line) => process.stdout.write(`${line}\n`),
  });
  process.exit(0);
} catch (err) {
  process.stderr.write(`make dev: ${(err as Error).message}\n`);
  process.exit(1);
}
