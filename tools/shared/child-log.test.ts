import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { logChildOutput } from './child-log.js';

describe('logChildOutput', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tempFile = () => {
    const d = mkdtempSync(join(tmpdir(), 'child-log-'));
    dirs.push(d);
    return join(d, 'out.log');
  };

  it('keeps what a child writes to stderr after it has closed stdout', async () => {
    const path = tempFile();
    // stdout closes at once; stderr goes on writing afterwards. With the default pipe() the file ended with stdout.
    const script = "require('fs').closeSync(1); setTimeout(() => { process.stderr.write('late line\\n'); }, 100);";
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const file = logChildOutput(child, path);
    const errors: Error[] = [];
    file.on('error', (e) => errors.push(e));
    await once(file, 'finish');
    expect(errors).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('late line\n');
  });

  it('holds both streams and appends when asked', async () => {
    const path = tempFile();
    for (const word of ['first', 'second']) {
      const child = spawn(process.execPath, ['-e', `console.log('${word} out'); console.error('${word} err')`], { stdio: ['ignore', 'pipe', 'pipe'] });
      await once(logChildOutput(child, path, { append: true }), 'finish');
    }
    const lines = readFileSync(path, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual(['first err', 'first out', 'second err', 'second out']);
  });
});
