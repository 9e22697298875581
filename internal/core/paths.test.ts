import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRoot } from './paths.js';

describe('packageRoot', () => {
  const root = packageRoot();

  it('finds the folder holding package.json from the sources', () => {
    expect(root).toBe(join(import.meta.dirname, '..', '..'));
  });

  it('finds the same root from compiled code under dist/', () => {
    const compiled = pathToFileURL(join(root, 'dist', 'internal', 'db', 'client.js')).href;
    expect(packageRoot(compiled)).toBe(root);
  });
});
