/** End-to-end test of the smsc-sim command: help, bad flags, ready line, bind, SIGTERM. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bindSession } from '../internal/smpp/client.js';

const script = fileURLToPath(new URL('./smsc-sim.ts', import.meta.url));

/** tsx runs the TypeScript entry point as-is; it comes with the dev toolchain, and the test says so if it does not. */
function tsxAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

function run(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, LOG_LEVEL: 'info' } });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children = [];
});

describe.skipIf(!tsxAvailable())('cmd/smsc-sim (run through tsx; skipped when tsx is not installed)', () => {
  it('--help prints usage and exits 0; a bad flag exits 2 with usage', async () => {
    const help = await exitOf(run(['--help']));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: smsc-sim');
    const bad = await exitOf(run(['--bogus']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: smsc-sim');
  }, 30_000);

  it('prints one JSON line when ready, serves binds, and exits 0 on SIGTERM', async () => {
    const child = run(['--host', '127.0.0.1', '--port', '0', '--system-id', 'esme', '--password', 'pw']);
    children.push(child);
    const done = exitOf(child);
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`no ready line; got: ${buf}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        for (const line of buf.split('\n')) {
          try {
            const j = JSON.parse(line) as { level?: unknown; msg?: unknown; port?: unknown };
            if (j.msg === 'smsc simulator listening' && typeof j.port === 'number') {
              expect(j.level).toBe('info');
              clearTimeout(timer);
              resolve(j.port);
            }
          } catch {
            // a partial line; wait for the rest
          }
        }
      });
    });
    const session = await bindSession({
      host: '127.0.0.1',
      port,
      mode: 'transceiver',
      systemId: 'esme',
      password: 'pw',
      session: { windowSize: 10, responseTimeoutMs: 2_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 },
    });
    expect(session.state).toBe('bound');
    session.close();
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  }, 30_000);
});
