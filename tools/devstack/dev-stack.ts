/**
 * `make dev`: a whole local gateway from nothing — nats-server (unless one answers), the SMSC simulator,
 * a generated config with an API key, and the gateway with all roles — then a curl line to try it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../internal/core/paths.js';
import { startSmscSimulator } from '../smsc-sim/simulator.js';
import { startDevReceiver } from './dev-receiver.js';
import { startNatsServer, tcpAnswers, type NatsProcess } from './nats-process.js';
import { logChildOutput } from '../shared/child-log.js';

export interface DevStackOptions {
  dataDir: string;
  port: number;
  /** The gateway's listen address. */
  host: string;
  natsUrl: string | undefined;
  smscPort: number;
  out: (line: string) => void;
}

function webhookSecretIn(dataDir: string): string {
  const file = join(dataDir, 'dev-webhook-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function apiKeyIn(dataDir: string): string {
  const file = join(dataDir, 'dev-api-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(24).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function runDevStack(o: DevStackOptions): Promise<void> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true });

  let nats: NatsProcess | undefined;
  let natsUrl = o.natsUrl ?? 'nats://127.0.0.1:4222';
  const u = new URL(natsUrl.split(',')[0]!);
  if (await tcpAnswers(u.hostname, Number(u.port || 4222))) {
    o.out(`using the NATS server at ${natsUrl}`);
  } else if (o.natsUrl) {
    throw new Error(`NATS_URL=${o.natsUrl} does not answer; start that server or unset NATS_URL to run a local one`);
  } else {
    nats = await startNatsServer({ port: 4222, storeDir: join(dataDir, 'nats') });
    natsUrl = nats.url;
    o.out(`started nats-server with JetStream at ${natsUrl} (store ${join(dataDir, 'nats')})`);
  }

  const smscPort = (await tcpAnswers('127.0.0.1', o.smscPort)) ? 0 : o.smscPort;
  const smsc = await startSmscSimulator({ host: '127.0.0.1', port: smscPort, systemId: 'smsmesh', password: 'dev', receiptDelayMs: 500 });
  o.out(`started the SMSC simulator at 127.0.0.1:${smsc.port} (receipts after 500 ms)`);

  const secret = webhookSecretIn(dataDir);
  // Callbacks of the demo client land here and are printed (a free port when the usual one is taken).
  const receiver = await startDevReceiver({ port: (await tcpAnswers('127.0.0.1', 8099)) ? 0 : 8099, secret, out: o.out });
  o.out(`started the webhook receiver at ${receiver.url}: it prints every callback it gets`);

  const apiKey = apiKeyIn(dataDir);
  const configPath = join(dataDir, 'dev.json');
  writeFileSync(
    configPath,
    JSON.stringify(
      {
        carriers: [
          {
            id: 'sim',
            prefixes: ['+'],
            smpp: { host: '127.0.0.1', port: smsc.port, systemId: 'smsmesh', password: 'dev' },
            binds: 2,
            tps: 1000,
            window: 50,
          },
        ],
        // The local stack's one client may also open the operator console (/console) and the admin API.
        clients: [{ id: 'demo', apiKey, callbackUrl: receiver.url, callbackEvents: 'all', webhookSecrets: [secret], scopes: ['send', 'read', 'admin'] }],
        callbacks: { allowPrivateTargets: true },
        // Every MO the simulator sends goes to the demo client: GET /v1/inbound lists it.
        inbound: { defaultClient: 'demo' },
      },
      null,
      2,
    ),
  );

  const logFile = join(dataDir, 'gateway.log');
  const env: NodeJS.ProcessEnv = { ...process.env, SMSMESH_CONFIG: configPath, NATS_URL: natsUrl, PORT: String(o.port), HOST: o.host, SMSMESH_DATA_DIR: dataDir };
  const gateway = spawn(process.execPath, [join(packageRoot(), 'dist', 'cmd', 'smsmesh.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  logChildOutput(gateway, logFile, { append: true });
  const gatewayExit = new Promise<number | null>((r) => gateway.once('exit', (code) => r(code)));
  o.out(`starting the gateway (all roles; database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : `embedded, in ${join(dataDir, 'pglite')}`}); logs in ${logFile}`);

  const base = `http://${o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') o.out(`listening on ${o.host} (HOST): reachable from other machines`);
  const deadline = Date.now() + 90_000;
  let ready = false;
  while (!ready) {
    if (gateway.exitCode !== null) break;
    try {
      // Ready to accept, and the simulator bound, so the first curl is delivered at once.
      ready = (await fetch(`${base}/readyz`)).ok && (await fetch(`${base}/readyz/carriers`)).ok;
    } catch {
      // not listening yet
    }
    if (!ready) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  const stopAll = async () => {
    if (gateway.exitCode === null) {
      gateway.kill('SIGTERM');
      await Promise.race([gatewayExit, new Promise((r) => setTimeout(r, 20_000))]);
      if (gateway.exitCode === null) gateway.kill('SIGKILL');
    }
    await smsc.close();
    await receiver.close();
    await nats?.stop();
  };

  if (!ready) {
    await stopAll();
    throw new Error(`the gateway did not become ready; see ${logFile}`);
  }

  o.out('');
  o.out(`smsmesh is running at ${base}   (API key for client "demo": ${apiKey})`);
  o.out('');
  o.out('Send a first SMS:');
  o.out(`  curl -s -X POST ${base}/v1/messages -H 'Authorization: Bearer ${apiKey}' -H 'Content-Type: application/json' -d '{"to":"+447700900123","from":"ACME","text":"Hello from smsmesh"}'`);
  o.out('Then its status (use the id from the answer):');
  o.out(`  curl -s ${base}/v1/messages/<id> -H 'Authorization: Bearer ${apiKey}'`);
  o.out(`Operator console: ${base}/console (log in with the same key)`);
  o.out(`Metrics: ${base}/metrics   API reference: ${base}/docs   Ctrl-C stops everything.`);

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      o.out('stopping…');
      void stopAll().then(resolveStop);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    void gatewayExit.then((code) => {
      if (!stopping) {
        o.out(`the gateway exited (${code}); see ${logFile}`);
        onSignal();
      }
    });
  });
}
