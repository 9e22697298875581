/**
 * Replays a Dockerfile without a container engine: each stage is a folder standing for the image's root
 * filesystem; COPY copies what the build context (filtered by .dockerignore) or another stage holds, RUN runs
 * the command with this machine's Node and npm in the stage's WORKDIR. The result is the folder the image
 * would run from, its ENTRYPOINT, CMD, ENV and USER. Supports the instructions the project's Dockerfile keeps
 * to (FROM, ARG, ENV, WORKDIR, COPY, RUN, USER, EXPOSE, LABEL, ENTRYPOINT, CMD in exec form) and fails on others.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';

interface Instruction {
  op: string;
  args: string;
  line: number;
}

interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

export interface Dockerfile {
  args: Record<string, string>;
  stages: Stage[];
}

export interface ImageLayout {
  /** The folder that stands for the image's `/`. */
  root: string;
  /** WORKDIR inside the image, and the folder it maps to. */
  workdir: string;
  hostWorkdir: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: string[];
  cmd: string[];
  /** The base image the stage chain starts from (e.g. node:20-bookworm-slim). */
  baseImage: string;
}

/** Joins continuation lines, drops comments and parser directives. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let buf = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (buf !== '' && line.trimStart().startsWith('#')) return;
    if (buf === '') startLine = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(buf);
    if (!m) throw new Error(`Dockerfile line ${startLine}: cannot parse "${buf}"`);
    instructions.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: startLine });
    buf = '';
  });
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: FROM ${ins.args}`);
      stages.push({ from: substitute(m[1]!, args), name: m[2] ?? String(stages.length), steps: [] });
    } else if (stages.length === 0) {
      if (ins.op !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: ${ins.op} before the first FROM`);
      const [k, v = ''] = ins.args.split('=');
      args[k!] = v;
    } else {
      stages.at(-1)!.steps.push(ins);
    }
  }
  return { args, stages };
}

function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '');
}

function execForm(ins: Instruction): string[] {
  try {
    const v = JSON.parse(ins.args) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // falls through to the error below
  }
  throw new Error(`Dockerfile line ${ins.line}: ${ins.op} must use the exec form ["…"]`);
}

/** A .dockerignore pattern as Docker reads it: relative to the context, `**` across folders, a match on a folder covers what is inside. */
function patternRegex(pattern: string): RegExp {
  const p = posix.normalize(pattern.replace(/^\/+/, '')).replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function dockerignore(text: string): { excluded(path: string): boolean; mayInclude(dir: string): boolean } {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => (l.startsWith('!') ? { negate: true, pattern: l.slice(1) } : { negate: false, pattern: l }))
    .map((r) => ({ ...r, re: patternRegex(r.pattern) }));
  const matches = (re: RegExp, path: string): boolean => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) if (re.test(parts.slice(0, i).join('/'))) return true;
    return false;
  };
  return {
    excluded(path) {
      let out = false;
      for (const r of rules) if (matches(r.re, path)) out = !r.negate;
      return out;
    },
    /** Whether some `!` rule could bring back a file under an excluded folder (if not, the walk skips it). */
    mayInclude(dir) {
      return rules.some((r) => r.negate && (r.pattern.startsWith('**') || r.pattern.replace(/^\/+/, '').startsWith(`${dir}/`)));
    },
  };
}

/** Files of the build context, relative to it, after .dockerignore. */
function contextFiles(context: string): Set<string> {
  const ignorePath = join(context, '.dockerignore');
  const ignore = dockerignore(existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '');
  const out = new Set<string>();
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(context, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!ignore.excluded(p) || ignore.mayInclude(p)) walk(p);
      } else if (!ignore.excluded(p)) {
        out.add(p);
      }
    }
  };
  walk('');
  return out;
}

export interface ReplayOptions {
  context: string;
  dockerfile?: string;
  /** Where stage folders are made. */
  workDir: string;
  /** Variables the RUN steps see besides the stage's ENV (PATH, HOME, proxies…). */
  hostEnv: Record<string, string>;
  log?: (line: string) => void;
}

function runShell(command: string, cwd: string, env: Record<string, string>, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      log(`RUN ${command} (exit ${code})`);
      if (code === 0) resolve();
      else reject(new Error(`RUN ${command} failed with ${code} in ${cwd}:\n${out.slice(-4000)}`));
    });
  });
}

/** Replays the stages `target` depends on, each once, independent ones concurrently. */
export function createReplay(o: ReplayOptions): (target: string) => Promise<ImageLayout> {
  const df = parseDockerfile(readFileSync(o.dockerfile ?? join(o.context, 'Dockerfile'), 'utf8'));
  const files = contextFiles(o.context);
  const log = o.log ?? (() => {});
  const built = new Map<string, Promise<ImageLayout>>();

  const copyFromContext = (src: string, dest: string): void => {
    const rel = posix.normalize(src).replace(/^\.\/?/, '').replace(/\/$/, '');
    if (files.has(rel)) {
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(join(o.context, rel), dest);
      return;
    }
    const under = [...files].filter((f) => f.startsWith(`${rel}/`));
    if (under.length === 0) throw new Error(`COPY ${src}: not in the build context (missing, or excluded by .dockerignore)`);
    for (const f of under) {
      const to = join(dest, f.slice(rel.length + 1));
      mkdirSync(dirname(to), { recursive: true });
      cpSync(join(o.context, f), to);
    }
  };

  const buildStage = (name: string): Promise<ImageLayout> => {
    let p = built.get(name);
    if (!p) {
      p = replayStage(name);
      built.set(name, p);
    }
    return p;
  };

  async function replayStage(name: string): Promise<ImageLayout> {
    const stage = df.stages.find((s) => s.name === name);
    if (!stage) throw new Error(`Dockerfile has no stage ${name}`);
    // Stages this one copies from are built first, side by side.
    const needs = stage.steps.flatMap((s) => (s.op === 'COPY' ? [/--from=(\S+)/.exec(s.args)?.[1]].filter((x): x is string => !!x) : []));
    const fromStage = df.stages.some((s) => s.name === stage.from) ? stage.from : undefined;
    const deps = await Promise.all([...(fromStage ? [fromStage] : []), ...needs].map(buildStage));
    const root = join(o.workDir, `stage-${name}`);
    let layout: ImageLayout;
    if (fromStage) {
      const base = deps[0]!;
      cpSync(base.root, root, { recursive: true, verbatimSymlinks: true });
      layout = { ...base, root, hostWorkdir: join(root, base.workdir), env: { ...base.env }, entrypoint: [...base.entrypoint], cmd: [...base.cmd] };
    } else {
      mkdirSync(root, { recursive: true });
      layout = { root, workdir: '/', hostWorkdir: root, env: {}, user: undefined, entrypoint: [], cmd: [], baseImage: stage.from };
    }
    const inImage = (p: string) => join(root, posix.isAbsolute(p) ? p : posix.join(layout.workdir, p));
    for (const step of stage.steps) {
      const args = substitute(step.args, { ...df.args, ...layout.env });
      switch (step.op) {
        case 'WORKDIR':
          layout.workdir = posix.isAbsolute(args) ? args : posix.join(layout.workdir, args);
          layout.hostWorkdir = join(root, layout.workdir);
          mkdirSync(layout.hostWorkdir, { recursive: true });
          break;
        case 'ENV':
          for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) layout.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
          break;
        case 'COPY': {
          const words = args.split(/\s+/);
          const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
          const rest = words.filter((w) => !w.startsWith('--'));
          const dest = rest.pop()!;
          if (rest.length === 0 || rest.some((s) => /[*?[]/.test(s))) throw new Error(`Dockerfile line ${step.line}: COPY ${args} (one or more plain sources)`);
          for (const src of rest) {
            const intoDir = dest.endsWith('/') || rest.length > 1;
            if (from) {
              const other = await buildStage(from);
              const s = join(other.root, src);
              const isFile = statSync(s).isFile();
              const d = inImage(isFile && intoDir ? posix.join(dest, basename(src)) : dest);
              mkdirSync(isFile ? dirname(d) : d, { recursive: true });
              cpSync(s, d, { recursive: true, verbatimSymlinks: true });
            } else {
              const isFile = files.has(posix.normalize(src));
              copyFromContext(src, inImage(isFile && intoDir ? posix.join(dest, basename(src)) : dest));
            }
          }
          break;
        }
        case 'RUN': {
          const command = args.replace(/--mount=\S+\s+/g, '');
          await runShell(command, layout.hostWorkdir, { ...o.hostEnv, ...df.args, ...layout.env }, log);
          break;
        }
        case 'USER':
          layout.user = args;
          break;
        case 'ENTRYPOINT':
          layout.entrypoint = execForm(step);
          layout.cmd = [];
          break;
        case 'CMD':
          layout.cmd = execForm(step);
          break;
        case 'EXPOSE':
        case 'LABEL':
        case 'ARG':
          break;
        default:
          throw new Error(`Dockerfile line ${step.line}: ${step.op} is not replayed by this test support; keep the Dockerfile to the instructions listed in its header`);
      }
    }
    return layout;
  }

  return buildStage;
}
