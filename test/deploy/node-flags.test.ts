/**
 * A single-role pod starts node with the flags internal/app/node-flags.ts gives its role: the Kubernetes manifests
 * cannot import that file, so this test holds them to it. The container's command is the image's ENTRYPOINT with
 * the flags added, nothing else.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../internal/app/role-needs.js';
import { nodeFlagsFor, SINGLE_ROLE_NODE_FLAGS } from '../../internal/app/node-flags.js';
import { ROOT, tempDir } from '../support/gateway.js';
import { podTemplates } from '../support/k8s-pods.js';
import { renderOverlay, type Overlay } from '../support/kustomize.js';

const ENTRYPOINT = ['node', 'dist/cmd/entrypoint.js'];

describe("the gateway's Node flags where processes are launched", () => {
  const tmp = tempDir('node-flags-');
  afterAll(() => tmp.remove());

  it("the image's ENTRYPOINT carries none: `all` and `migrate` run on V8's default", () => {
    const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(line, 'an ENTRYPOINT in exec form').not.toBeNull();
    expect(JSON.parse(line![1]!)).toEqual(ENTRYPOINT);
  });

  for (const overlay of ['dev', 'prod'] as Overlay[]) {
    it(`overlays/${overlay}: every single-role container starts with its role's flags, others with the image's own command`, () => {
      const seen = new Set<string>();
      for (const pod of podTemplates(renderOverlay(overlay, join(tmp.path, overlay)))) {
        for (const c of pod.spec.containers) {
          if (!/(^|\/)smsmesh(:|@|$)/.test(c.image)) continue;
          const command = c.args?.[0];
          expect(command, `${pod.id}: args name the command`).toBeDefined();
          const flags = nodeFlagsFor(command!);
          if (flags.length === 0) expect(c.command, `${pod.id} (${command})`).toBeUndefined();
          else expect(c.command, `${pod.id} (${command})`).toEqual([ENTRYPOINT[0], ...flags, ...ENTRYPOINT.slice(1)]);
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
