/**
 * The example film, built the way a user builds it: through the CLI, in separate
 * processes. Its deliverable hash is golden (update on purpose with UPDATE_GOLDEN=1),
 * and it must not depend on jobs, working directory, time zone or locale.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp-project.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'bin/postaudio.mjs');
const example = path.join(repo, 'examples/film-project');
const goldenFile = path.join(repo, 'test/golden/example.json');

interface Summary {
  type: 'summary';
  ok: boolean;
  rendered: number;
  cached: number;
  failed: number;
  outputs: { path: string; sha256: string }[];
}

function build(args: string[], env: Record<string, string> = {}, cwd = repo): Summary {
  const out = execFileSync(process.execPath, [bin, 'build', ...args, '--reporter', 'json'], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Summary;
}

function copyExample(): string {
  const dir = tmpDir('pa-example-');
  fs.cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
  return dir;
}

describe('the example film', () => {
  it('builds, renders nothing the second time, and matches the golden hash', () => {
    const dir = copyExample();
    const first = build([dir]);
    expect(first.ok).toBe(true);
    expect(first.failed).toBe(0);
    expect(first.rendered).toBeGreaterThan(60);
    expect(first.outputs.length).toBeGreaterThan(0);
    const second = build([dir]);
    expect(second.rendered).toBe(0);
    expect(second.outputs).toEqual(first.outputs);

    const hashes = Object.fromEntries(first.outputs.map((o) => [path.basename(o.path), o.sha256]));
    if (process.env.UPDATE_GOLDEN === '1') {
      fs.writeFileSync(goldenFile, `${JSON.stringify({ deliverables: hashes }, null, 2)}\n`);
    }
    const golden = JSON.parse(fs.readFileSync(goldenFile, 'utf8')) as { deliverables: Record<string, string> };
    expect(hashes).toEqual(golden.deliverables);
  });

  it('gives byte-identical deliverables whatever the jobs, folder, time zone and locale', () => {
    const a = copyExample();
    const b = copyExample();
    const one = build([a, '--jobs', '1'], { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const two = build(['.', '--jobs', '2', '--out', 'elsewhere'], { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' }, b);
    expect(one.outputs.map((o) => o.sha256)).toEqual(two.outputs.map((o) => o.sha256));
    expect(two.outputs[0].path.startsWith(path.join(b, 'elsewhere'))).toBe(true);
  });
});
