import { describe, expect, it } from 'vitest';
import { nodeFlagsFor, SINGLE_ROLE_NODE_FLAGS } from './node-flags.js';

describe('nodeFlagsFor', () => {
  it('gives single-role processes garbage collection on the main thread', () => {
    for (const entry of ['edge', 'connector', 'status-writer', 'callbacks', 'dlr-writer']) {
      expect(nodeFlagsFor(entry), entry).toEqual(['--single-threaded-gc']);
    }
    expect(SINGLE_ROLE_NODE_FLAGS).toEqual(['--single-threaded-gc']);
  });

  it("leaves the all-in-one process, migrations and the tools on V8's default", () => {
    for (const entry of ['smsmesh', 'migrate', 'entrypoint', 'smsc-sim', 'bench', 'dev']) expect(nodeFlagsFor(entry), entry).toEqual([]);
  });
});
