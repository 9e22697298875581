/** Finds the package root, so that files shipped beside the code (nats/, drizzle/) are found from src and dist alike. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(fromUrl?: string): string {
  if (!fromUrl && cached) return cached;
  let dir = dirname(fileURLToPath(fromUrl ?? import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      if (!fromUrl) cached = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the smsmesh package root (no package.json above this file)');
    dir = up;
  }
}
