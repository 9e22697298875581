/**
 * The base build of `make bench-compare`: a git revision of this repository, cloned into a directory of its own,
 * with its own `npm ci` and build, so that it runs exactly what that revision ran (its gateway, its bench, its
 * dependencies). Built once per revision and kept for the next comparison against it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlagError } from '../shared/flag-values.js';

/** Written last, beside the build (not in it, where it would show as a change in the bench's git line): without it the build did not finish, and is made again. */
const readyFile = (dir: string) => `${dir}.ready`;

/** The full commit id of `rev` in the repository at `root`; a FlagError naming it when git does not know it. */
export function resolveRevision(root: string, rev: string): string {
  const r = spawnSync('git', ['-C', root, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new FlagError(`--base must name a commit of this repository, got '${rev}' (try HEAD~1 or a commit id from git log)`);
  return r.stdout.trim();
}

function step(cmd: string, args: string[], cwd: string, logFile: string): Promise<void> {
  return new Promise((done, fail) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', fail);
    // 'close', not 'exit': the child's output may still be arriving when it has exited, and it must not meet an ended file.
    child.on('close', (code) => {
      log.end();
      if (code === 0) done();
      else fail(new Error(`${cmd} ${args.join(' ')} exited ${code} in ${cwd}; its output is in ${logFile}`));
    });
  });
}

/**
 * The directory of the base build of `sha`, made when missing: clone, checkout, `npm ci`, build of the gateway and
 * of the tools. Progress goes to `log`; the commands' own output to build.log beside it.
 */
export async function prepareBase(o: { root: string; sha: string; cacheDir: string; log: (line: string) => void }): Promise<string> {
  const dir = resolve(o.cacheDir, o.sha.slice(0, 12));
  if (existsSync(readyFile(dir)) && existsSync(join(dir, 'dist', 'cmd', 'bench.js'))) {
    o.log(`base ${o.sha.slice(0, 12)}: built already in ${dir}`);
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(readyFile(dir), { force: true });
  mkdirSync(o.cacheDir, { recursive: true });
  const logFile = `${dir}.build.log`;
  rmSync(logFile, { force: true });
  o.log(`base ${o.sha.slice(0, 12)}: cloning into ${dir}`);
  await step('git', ['clone', '--quiet', '--no-checkout', o.root, dir], o.cacheDir, logFile);
  await step('git', ['checkout', '--quiet', '--detach', o.sha], dir, logFile);
  o.log(`base ${o.sha.slice(0, 12)}: npm ci (a minute or two)`);
  await step('npm', ['ci', '--no-audit', '--no-fund'], dir, logFile);
  o.log(`base ${o.sha.slice(0, 12)}: building`);
  await step('npm', ['run', 'build', '--silent'], dir, logFile);
  await step('npm', ['run', 'build:tools', '--silent'], dir, logFile);
  writeFileSync(readyFile(dir), `${o.sha}\n`);
  return dir;
}
