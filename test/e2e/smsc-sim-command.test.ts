/**
 * The smsc-sim command as users run it, built (dist/cmd/smsc-sim.js, from npm run build:tools): help, bad flags, the
 * JSON ready line, a bind over TCP, and a clean exit on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bindSession } from '../../internal/smpp/client.js';
import { ROOT } from '../support/gateway.js';

const script = join(ROOT, 'dist', 'cmd', 'smsc-sim.js');

function run(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [script, ...args], { env: { ...process.env, LOG_LEVEL: 'info' } });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** The first stdout line that parses as JSON with msg 'smsc simulator listening'; lines are read whole. */
function readyLine(child: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms; stdout so far: ${buf}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`smsc-sim exited with ${code} before its ready line; stdout: ${buf}`)));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        let j: Record<string, unknown>;
        try {
          j = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // a log line that is not JSON is not the ready line
        }
        if (j.msg === 'smsc simulator listening') {
          clearTimeout(timer);
          resolve(j);
        }
      }
    });
  });
}

let children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
});

beforeAll(() => {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build:tools (make test does) before the integration tests`);
});

describe('smsc-sim command (built)', () => {
  it('--help prints usage and exits 0; a bad flag exits 2 with usage on stderr', async () => {
    const help = await exitOf(run(['--help']));
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: smsc-sim');
    const bad = await exitOf(run(['--bogus']));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: smsc-sim');
  });

  it('prints one JSON line when ready, serves binds, and exits 0 on SIGTERM', async () => {
    const child = run(['--host', '127.0.0.1', '--port', '0', '--system-id', 'esme', '--password', 'pw']);
    children.push(child);
    const done = exitOf(child);
    const ready = await readyLine(child, 30_000);
    expect(ready.level).toBe('info');
    expect(typeof ready.port).toBe('number');
    const port = ready.port as number;
    expect(port).toBeGreaterThan(0);
    const session = await bindSession({
      host: '127.0.0.1',
      port,
      mode: 'transceiver',
      systemId: 'esme',
      password: 'pw',
      session: { windowSize: 10, responseTimeoutMs: 10_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 },
    });
    expect(session.state).toBe('bound');
    // The credentials given on the command line are the ones it checks.
    await expect(
      bindSession({ host: '127.0.0.1', port, mode: 'transceiver', systemId: 'esme', password: 'nope', session: { windowSize: 1, responseTimeoutMs: 10_000, enquireLinkIntervalMs: 0, enquireLinkTimeoutMs: 0 } }),
    ).rejects.toMatchObject({ code: 'BIND_REJECTED' });
    session.close();
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});
