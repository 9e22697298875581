/** A private nats-server for one test file: free port, temporary store, stopped by PID. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsServer, type NatsProcess } from '../../tools/devstack/nats-process.js';
import { freePort } from './ports.js';

export interface TestNats extends NatsProcess {
  storeDir: string;
  /** Stops the server and removes its store. */
  destroy(): Promise<void>;
  /** Starts the server again on the same port and store (after stop()). */
  restart(): Promise<TestNats>;
}

export async function startTestNats(port?: number, storeDir?: string): Promise<TestNats> {
  const dir = storeDir ?? mkdtempSync(join(tmpdir(), 'smsmesh-nats-'));
  const p = await startNatsServer({ port: port ?? (await freePort()), storeDir: dir });
  return {
    ...p,
    storeDir: dir,
    async destroy() {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: () => startTestNats(p.port, dir),
  };
}
