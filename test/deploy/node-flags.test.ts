/**
 * A gateway process started from the image gets the flags internal/app/node-flags.ts gives its command: the image's
 * start script (scripts/image-entrypoint.sh) cannot import that file, so this test holds the script to it, and holds
 * the Kubernetes manifests to leaving the choice to the image. (test/deploy/standin-cluster.test.ts runs the replayed
 * image's pods and checks the flags each role reports at start.)
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../internal/app/role-needs.js';
import { nodeFlagsFor, SINGLE_ROLE_NODE_FLAGS } from '../../internal/app/node-flags.js';
import { ROOT, tempDir } from '../support/gateway.js';
import { podTemplates } from '../support/k8s-pods.js';
import { renderOverlay, type Overlay } from '../support/kustomize.js';

const SCRIPT_IN_IMAGE = '/app/bin/entrypoint.sh';

describe("the gateway's Node flags where processes are launched", () => {
  const tmp = tempDir('node-flags-');
  afterAll(() => tmp.remove());

  it("the image's ENTRYPOINT is its start script, copied from scripts/", () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile);
    expect(line, 'an ENTRYPOINT in exec form').not.toBeNull();
    expect(JSON.parse(line![1]!)).toEqual(['sh', SCRIPT_IN_IMAGE]);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^COPY scripts\/image-entrypoint\.sh \.\/bin\/entrypoint\.sh$/m);
  });

  it('the start script gives every command the flags of node-flags.ts and passes its arguments through unchanged', () => {
    // A stand-in for the image's folder: the script, and an entry point that reports how node started it.
    const app = join(tmp.path, 'app');
    mkdirSync(join(app, 'bin'), { recursive: true });
    mkdirSync(join(app, 'dist', 'cmd'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts', 'image-entrypoint.sh'), join(app, 'bin', 'entrypoint.sh'));
    writeFileSync(join(app, 'dist', 'cmd', 'entrypoint.js'), 'process.stdout.write(JSON.stringify({ flags: process.execArgv, args: process.argv.slice(2) }));\n');
    const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
    const commands = [...ROLES, 'dlr-writer', 'all', 'migrate', 'smsc-sim', '--help'];
    for (const command of commands) {
      const r = spawnSync('sh', [join(app, 'bin', 'entrypoint.sh'), command, '--config', 'a b.yaml'], { encoding: 'utf8', env });
      expect(r.status, `${command}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout), command).toEqual({ flags: [...nodeFlagsFor(command)], args: [command, '--config', 'a b.yaml'] });
    }
    // Without a command (the image's CMD is --help): no flags, no arguments.
    const bare = spawnSync('sh', [join(app, 'bin', 'entrypoint.sh')], { encoding: 'utf8', env });
    expect(JSON.parse(bare.stdout)).toEqual({ flags: [], args: [] });
    // The roles do get a flag: the comparison above is not between two empty lists.
    expect(ROLES.every((role) => nodeFlagsFor(role).length > 0)).toBe(true);
  });

  for (const overlay of ['dev', 'prod'] as Overlay[]) {
    it(`overlays/${overlay}: every gateway container leaves its start to the image (no command of its own)`, () => {
      const seen = new Set<string>();
      for (const pod of podTemplates(renderOverlay(overlay, join(tmp.path, overlay)))) {
        for (const c of pod.spec.containers) {
          if (!/(^|\/)smsmesh(-dev)?(:|@|$)/.test(c.image)) continue;
          const command = c.args?.[0];
          expect(command, `${pod.id}: args name the command`).toBeDefined();
          expect(c.command, `${pod.id} (${command})`).toBeUndefined();
          seen.add(command!);
        }
      }
      expect([...seen].sort()).toEqual(expect.arrayContaining([...ROLES].sort()));
    });
  }

  it('are flags this Node accepts (it refuses to start with one it does not know)', () => {
    const script = ['-e', 'process.stdout.write("ran")'];
    const r = spawnSync(process.execPath, [...SINGLE_ROLE_NODE_FLAGS, ...script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran');
    const unknown = spawnSync(process.execPath, [`${SINGLE_ROLE_NODE_FLAGS[0]}-unknown`, ...script], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/bad option/);
  });
});
