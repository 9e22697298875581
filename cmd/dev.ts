/** `make dev`: the local stack (nats-server, SMSC simulator, gateway) in one command. */
import { runDevStack } from '../tools/devstack/dev-stack.js';
import { commandFlags } from '../tools/shared/command-flags.js';
import { numberFlag } from '../tools/shared/flag-values.js';

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;

const usage = `Usage: node dist/cmd/dev.js [--port 8080] [--smsc-port 2775] [--data-dir .data] [--help]

Listens on 127.0.0.1 unless HOST is set (e.g. HOST=0.0.0.0 to be reached from other machines).

Starts nats-server with JetStream (unless NATS_URL or 127.0.0.1:4222 answers), the SMSC simulator and the
gateway with all roles (embedded database unless DATABASE_URL is set), then prints an API key and a curl line.`;

const values = commandFlags(
  usage,
  {
    port: { type: 'string', default: process.env.PORT ?? '8080' },
    'smsc-port': { type: 'string', default: '2775' },
    'data-dir': { type: 'string', default: process.env.SMSMESH_DATA_DIR ?? '.data' },
  },
  (v) => ({
    ...v,
    port: numberFlag('port', v.port, 8080, isPort, 'a TCP port (0–65535)'),
    smscPort: numberFlag('smsc-port', v['smsc-port'], 2775, isPort, 'a TCP port (0–65535)'),
  }),
);
try {
  await runDevStack({
    dataDir: values['data-dir'],
    port: values.port,
    // A development gateway answers this machine only, unless HOST says otherwise (the gateway's own default is 0.0.0.0).
    host: process.env.HOST ?? '127.0.0.1',
    smscPort: values.smscPort,
    natsUrl: process.env.NATS_URL,
    out: (line) => process.stdout.write(`${line}\n`),
  });
  process.exit(0);
} catch (err) {
  process.stderr.write(`make dev: ${(err as Error).message}\n`);
  process.exit(1);
}
