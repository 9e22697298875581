/**
 * Runs nats-server nodes from the project's own server configs (nats/cluster/*.conf, the Kubernetes
 * nats.conf): the files are copied to a temporary folder with the listen ports moved to free local ports,
 * routes pointed at the other local nodes, and store and pid paths moved into the folder. Everything else in
 * the config is what a deployment runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNatsServer, tcpAnswers } from '../../tools/devstack/nats-process.js';
import { freePort } from './ports.js';

/** The ports the configs use, as deployed. */
const CLIENT = 4222;
const CLUSTER = 6222;
const MONITOR = 8222;

export interface NatsNodeSpec {
  /** File name → content; `main` is the one given to --config, the others are what it includes. */
  files: Record<string, string>;
  main: string;
  env?: Record<string, string>;
}

export interface NatsNode {
  index: number;
  url: string;
  clientPort: number;
  monitorPort: number;
  clusterPort: number;
  dir: string;
  child: ChildProcess;
  log(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

interface Ports {
  client: number;
  cluster: number;
  monitor: number;
}

function rewrite(text: string, own: Ports, peers: Ports[], peerIndex: (host: string) => number | undefined, dir: string): string {
  const port = (p: number) => (p === CLIENT ? own.client : p === CLUSTER ? own.cluster : p === MONITOR ? own.monitor : p);
  return text
    .replace(/\b(?:0\.0\.0\.0|127\.0\.0\.1):(\d+)/g, (_, p: string) => `127.0.0.1:${port(Number(p))}`)
    .replace(/nats:\/\/([A-Za-z0-9.-]+):(\d+)/g, (all, host: string, p: string) => {
      const j = peerIndex(host);
      if (j === undefined || Number(p) !== CLUSTER) return all;
      const peer = peers[j];
      if (!peer) throw new Error(`route ${all} names node ${j}, which this test does not start`);
      return `nats://127.0.0.1:${peer.cluster}`;
    })
    .replace(/^(\s*store_dir:\s*).*$/m, (_, k: string) => `${k}"${join(dir, 'jetstream')}"`)
    .replace(/^(\s*pid_file:\s*).*$/m, (_, k: string) => `${k}"${join(dir, 'nats.pid')}"`);
}

/** Starts every node (their routes point at each other) and waits until each accepts clients. */
export async function startNatsNodes(o: { nodes: NatsNodeSpec[]; peerIndex?: (host: string) => number | undefined; dir: string }): Promise<NatsNode[]> {
  const ports: Ports[] = [];
  for (let i = 0; i < o.nodes.length; i++) ports.push({ client: await freePort(), cluster: await freePort(), monitor: await freePort() });
  const nodes = o.nodes.map((spec, i): NatsNode => {
    const dir = join(o.dir, `node-${i}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(spec.files)) {
      writeFileSync(join(dir, name), rewrite(text, ports[i]!, ports, o.peerIndex ?? (() => undefined), dir));
    }
    const child = spawn(findNatsServer(), ['--config', join(dir, spec.main)], {
      env: { PATH: process.env.PATH, ...spec.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return {
      index: i,
      url: `nats://127.0.0.1:${ports[i]!.client}`,
      clientPort: ports[i]!.client,
      monitorPort: ports[i]!.monitor,
      clusterPort: ports[i]!.cluster,
      dir,
      child,
      log: () => log,
      async stop(signal = 'SIGTERM') {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill(signal);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited;
        }
      },
    };
  });
  const deadline = Date.now() + 15_000;
  for (const n of nodes) {
    while (!(await tcpAnswers('127.0.0.1', n.clientPort, 200))) {
      if (n.child.exitCode !== null || Date.now() > deadline) {
        await Promise.all(nodes.map((x) => x.stop('SIGKILL')));
        throw new Error(`nats-server node ${n.index} did not start: ${n.log().slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return nodes;
}
