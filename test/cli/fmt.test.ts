// postaudio fmt: rewrites the project file and its includes; --check for CI (exit 1, file:line of
// the first difference, nothing written); GitHub annotations for fmt --check and validate.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { VALID_YAML, projectFactory, wav } from '../helpers/project.ts';

const makeProject = projectFactory();

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const MESSY = VALID_YAML.replace('  - { id: d001, source: tone, at: "01:00:01:00", bus: DX }\n', '  - { id: d001, bus: DX, source: tone, at: "1:00:01:00", gain: -3dB }  # the first line\n').replace('sources:', 'include: [reels/fx.yaml]\nsources:');
const REEL = 'sfx:\n  - { id: fx1, source: tone, at: "01:00:02:00", bus: DX, in: 0.5 s }\n';
const REEL_OK = 'sfx:\n  - { id: fx1, source: tone, at: "01:00:02:00", in: 500 ms, bus: DX }\n';

describe('postaudio fmt', () => {
  it('--check lists every file not in canonical form with the line of its first difference, writes nothing, exits 1', async () => {
    const dir = makeProject({ 'postaudio.yaml': MESSY, 'reels/fx.yaml': REEL, 'tone.wav': wav() });
    const r = await run(['fmt', '--check'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      [
        'postaudio.yaml:13: not in canonical form',
        '  -   - { id: d001, bus: DX, source: tone, at: "1:00:01:00", gain: -3dB }  # the first line',
        '  +   - { id: d001, source: tone, at: "01:00:01:00", gain: -3 dB, bus: DX } # the first line',
        'reels/fx.yaml:2: not in canonical form',
        '  -   - { id: fx1, source: tone, at: "01:00:02:00", bus: DX, in: 0.5 s }',
        '  +   - { id: fx1, source: tone, at: "01:00:02:00", in: 500 ms, bus: DX }',
        '2 of 2 files not formatted: run postaudio fmt',
      ].join('\n'),
    );
    expect(fs.readFileSync(path.join(dir, 'postaudio.yaml'), 'utf8')).toBe(MESSY);
    expect(fs.readFileSync(path.join(dir, 'reels/fx.yaml'), 'utf8')).toBe(REEL);

    const rel = path.basename(dir);
    const gh = await run(['fmt', rel, '--check', '--format', 'github'], path.dirname(dir));
    expect(gh.code).toBe(1);
    expect(gh.out.split('\n')).toEqual([
      `::error file=${rel}/postaudio.yaml,line=13,col=1,title=fmt::fmt: ${rel}/postaudio.yaml is not in canonical form (first difference on line 13): run postaudio fmt`,
      `::error file=${rel}/reels/fx.yaml,line=2,col=1,title=fmt::fmt: ${rel}/reels/fx.yaml is not in canonical form (first difference on line 2): run postaudio fmt`,
    ]);
  });

  it('rewrites the files, after which --check passes and the project is still valid', async () => {
    const dir = makeProject({ 'postaudio.yaml': MESSY, 'reels/fx.yaml': REEL, 'tone.wav': wav() });
    const r = await run(['fmt'], dir);
    expect(r).toEqual({ code: 0, out: 'formatted postaudio.yaml\nformatted reels/fx.yaml', err: '' });
    expect(fs.readFileSync(path.join(dir, 'reels/fx.yaml'), 'utf8')).toBe(REEL_OK);
    expect(fs.readFileSync(path.join(dir, 'postaudio.yaml'), 'utf8')).toContain('  - { id: d001, source: tone, at: "01:00:01:00", gain: -3 dB, bus: DX } # the first line\n');
    expect(await run(['fmt', '--check'], dir)).toEqual({ code: 0, out: '2 files already formatted', err: '' });
    expect(await run(['fmt'], dir)).toEqual({ code: 0, out: '2 files already formatted', err: '' });
    expect((await run(['validate'], dir)).code).toBe(0);
  });

  it('reports a file with a YAML syntax error and leaves it alone (exit 1); usage errors exit 2', async () => {
    const dir = makeProject({ 'postaudio.yaml': MESSY, 'reels/fx.yaml': 'sfx: [ {id: x\n', 'tone.wav': wav() });
    const r = await run(['fmt'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^reels\/fx\.yaml:\d+:\d+: error PA101: YAML syntax/);
    expect(r.out).toBe('formatted postaudio.yaml');
    expect(fs.readFileSync(path.join(dir, 'reels/fx.yaml'), 'utf8')).toBe('sfx: [ {id: x\n');
    expect((await run(['fmt', 'nope'], dir)).code).toBe(2);
    expect((await run(['fmt', '--format', 'xml'], dir)).err).toBe('postaudio: --format must be text or github (got xml)');
  });
});

describe('validate --format github', () => {
  it('annotates files by their path in the checkout, also for a project in a subfolder', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML.replace('bus: DX }', 'bus: FX }'), 'tone.wav': wav() });
    const rel = path.basename(dir);
    const r = await run(['validate', rel, '--format', 'github'], path.dirname(dir));
    expect(r).toEqual({
      code: 1,
      out: `::error file=${rel}/postaudio.yaml,line=12,col=55,title=PA203::PA203: event 'd001': unknown bus 'FX' (hint: did you mean 'DX'?)`,
      err: '',
    });
  });
});
