/** Starts a local nats-server with JetStream as a child process (dev stack, tests, benchmarks). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';

export function findNatsServer(): string {
  return process.env.NATS_SERVER_BIN ?? 'nats-server';
}

/** True when something accepts TCP connections at host:port within timeoutMs. */
export function tcpAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface NatsProcess {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startNatsServer(opts: { port: number; storeDir: string; host?: string; extraArgs?: string[] }): Promise<NatsProcess> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.storeDir, { recursive: true });
  const child = spawn(findNatsServer(), ['-a', host, '-p', String(opts.port), '-js', '-sd', opts.storeDir, ...(opts.extraArgs ?? [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await Promise.race([
      tcpAnswers(host, opts.port, 200).then((ok) => (ok ? 'up' : 'wait')),
      exited.then(() => 'exited' as const),
      spawnError.then(() => 'error' as const),
    ]);
    if (r === 'up') break;
    if (r === 'exited' || r === 'error' || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on ${host}:${opts.port}: ${r}. ${stderr.trim()}`);
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  return {
    url: `nats://${host}:${opts.port}`,
    port: opts.port,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
