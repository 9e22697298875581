#!/usr/bin/env node
/**
 * Applies the project's fixes to installed dependencies (run by `npm install` / `npm ci` as postinstall, in
 * development and production installs alike; node built-ins only). Idempotent, and loud when a dependency's
 * source is not the one a fix was written for: pinned versions in package.json keep that from happening silently.
 *
 * postgres 3.4.9 — a write buffered for the next event-loop turn (setImmediate) can run after the connection's
 * socket closed and was set to null: `socket.write` then throws from the immediate, outside every try/catch, and
 * takes the process down (seen when PostgreSQL restarts under load, inside transactions). The teardown paths also
 * cancel that immediate without forgetting it, so a reconnected connection could never flush again. Fixed here:
 * the deferred write settles the connection's queries with CONNECTION_CLOSED instead of throwing, and teardown
 * forgets the pending write. Upstream: porsager/postgres issues 1066, 1154, 1208 (unreleased at 3.4.9).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MARK = 'smsmesh-patch:';

const fixes = [
  {
    pkg: 'postgres',
    version: '3.4.9',
    files: ['src/connection.js', 'cjs/src/connection.js', 'cf/src/connection.js'],
    id: 'null-socket-write',
    edits: [
      {
        find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n',
        replace:
          '  function nextWrite(fn) {\n' +
          `    if (socket === null) { // ${MARK}null-socket-write: the connection closed while a write waited for its turn\n` +
          '      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n' +
          '      chunk = nextWriteTimer = null\n' +
          "      const err = Errors.connection('CONNECTION_CLOSED', options)\n" +
          '      error(err)\n' +
          '      fn && fn(err)\n' +
          '      return false\n' +
          '    }\n' +
          '    const x = socket.write(chunk, fn)\n',
      },
      {
        find: '    clearImmediate(nextWriteTimer)\n    if (socket) {\n',
        replace: `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}null-socket-write\n    if (socket) {\n`,
      },
      {
        find: '    clearImmediate(nextWriteTimer)\n    socket.removeListener(\'data\', data)\n',
        replace: `    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null // ${MARK}null-socket-write\n    socket.removeListener('data', data)\n`,
      },
    ],
  },
];

const checkOnly = process.argv.includes('--check');
let failed = false;
for (const fix of fixes) {
  const dir = join(root, 'node_modules', fix.pkg);
  if (!existsSync(join(dir, 'package.json'))) continue; // not installed (yet): nothing to patch
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (version !== fix.version) {
    process.stderr.write(`patch-dependencies: ${fix.pkg} is ${version}, the ${fix.id} fix was written for ${fix.version}; check whether upstream fixed it and update scripts/patch-dependencies.mjs\n`);
    failed = true;
    continue;
  }
  for (const rel of fix.files) {
    const file = join(dir, rel);
    if (!existsSync(file)) continue;
    const src = readFileSync(file, 'utf8');
    if (src.includes(`${MARK}${fix.id}`)) continue;
    if (checkOnly) {
      process.stderr.write(`patch-dependencies: ${fix.pkg}/${rel} lacks the ${fix.id} fix; run npm ci\n`);
      failed = true;
      continue;
    }
    let out = src;
    for (const e of fix.edits) {
      if (out.split(e.find).length !== 2) {
        process.stderr.write(`patch-dependencies: ${fix.pkg}/${rel}: the code the ${fix.id} fix edits is not there exactly once\n`);
        failed = true;
        out = undefined;
        break;
      }
      out = out.replace(e.find, e.replace);
    }
    if (out !== undefined) writeFileSync(file, out);
  }
}
process.exit(failed ? 1 : 0);
