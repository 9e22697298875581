/** Locates the package root (the folder holding package.json), whether running from sources or from dist/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

/** The committed drizzle-kit migrations; they are not compiled, so dist/ code reads them from the root too. */
export function migrationsFolder(): string {
  return join(findPackageRoot(), 'drizzle');
}
