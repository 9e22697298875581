/** The k6 scripts are plain JS checked by TypeScript against @types/k6, and their message mix is the bench's. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMessageMix } from '../../tools/loadgen/message-mix.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('load-tests (k6)', () => {
  it('type-check with `npx tsc -p load-tests/tsconfig.json`', () => {
    const r = spawnSync('npx', ['tsc', '-p', 'load-tests/tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('send exactly the message mix of the Node load generator', async () => {
    // A non-literal specifier: the JS module is loaded at run time, untyped.
    const lib = (await import(pathToFileURL(resolve(ROOT, 'load-tests/lib/message.js')).href)) as {
      createMessageMix(o: { runTag: string; destinationBase?: number }): { at(i: number): unknown; cycle: readonly string[] };
    };
    for (const base of [0, 12_345]) {
      const k6 = lib.createMessageMix({ runTag: 'k6-x', destinationBase: base });
      const node = createMessageMix({ runTag: 'k6-x', destinationBase: base });
      expect(k6.cycle).toEqual(node.cycle);
      for (let i = 0; i < 2_000; i++) expect(k6.at(i)).toEqual(node.at(i));
    }
  });
});
