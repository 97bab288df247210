// `postaudio conform --from OLD --to NEW [PROJECT] [--json] [--write]` through main(), in-process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { projectFactory } from '../helpers/project.ts';
import { edl, edlEvent, projectFiles, projectYaml } from '../conform/helpers.ts';

const makeProject = projectFactory();
const FIXTURES = join(import.meta.dirname, '../picture/fixtures');

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['conform', ...args], { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PROJECT = projectYaml({
  lock: 'picture/v1.edl',
  dialogue: ['{ id: a, source: blip, at: { shot: SH01, offset: 12f }, bus: DX }', '{ id: gone, source: blip, at: { shot: SH03 }, bus: DX }'],
  sfx: ['{ id: t1, source: blip, at: "01:00:00:12", bus: FX }   # over SH01'],
});

describe('postaudio conform', () => {
  it('prints the Markdown change list on stdout and exits 0', async () => {
    const dir = makeProject(projectFiles(PROJECT));
    const r = await run(['--from', 'picture/v1.edl', '--to', 'picture/v2.edl'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('## Picture conform: `picture/v1.edl` → `picture/v2.edl`');
    expect(r.out).toContain('**Events:** 1 dropped · 1 moved · 1 on timecodes over changed picture');
    expect(r.out).toContain('| `a` | postaudio.yaml:16 | SH01 + 12f | 01:00:00:12 | 01:00:01:12 | +24f / +1.000 s | moved with SH01 (the shot: moved +24f / +1.000 s) |');
    // the project is untouched without --write
    expect(readFileSync(join(dir, 'postaudio.yaml'), 'utf8')).toBe(PROJECT);
  });

  it('--json for tools; the project can be named, paths are relative to the cwd', async () => {
    const dir = makeProject(projectFiles(PROJECT));
    const r = await run([dir, '--from', join(dir, 'picture/v1.edl'), '--to', join(dir, 'picture/v2.edl'), '--json'], '/');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.summary).toMatchObject({ moved: 1, dropped: 1, 'picture-changed': 1 });
    expect(j.events.map((e: { id: string; status: string }) => `${e.id} ${e.status}`)).toEqual(['a moved', 'gone dropped', 't1 picture-changed']);
    expect(j.events[0]).toMatchObject({ old: { start: '01:00:00:12', samples: 24000 }, new: { start: '01:00:01:12', samples: 72000 }, shift: { frames: 24, seconds: 1 } });
    expect(j.shots.map((s: { status: string }) => s.status)).toEqual(['moved', 'trimmed', 'removed', 'added', 'added']);
  });

  it('--write moves timecode events, sets picture.lock and says what it wrote on stderr', async () => {
    const dir = makeProject(projectFiles(PROJECT));
    const r = await run(['--from', 'picture/v1.edl', '--to', 'picture/v2.edl', '--write', '--json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).written).toEqual({
      files: ['postaudio.yaml'],
      moved: [{ id: 't1', file: 'postaudio.yaml', line: 19, from: '01:00:00:12', to: '01:00:01:12' }],
      left: [],
      lock: 'picture/v2.edl',
    });
    expect(r.err.split('\n')).toEqual(['postaudio.yaml:19 t1: 01:00:00:12 → 01:00:01:12', 'wrote postaudio.yaml: 1 event moved, picture.lock → picture/v2.edl']);
    const text = readFileSync(join(dir, 'postaudio.yaml'), 'utf8');
    expect(text).toBe(PROJECT.replace('lock: picture/v1.edl', 'lock: picture/v2.edl').replace('at: "01:00:00:12", bus: FX }   # over SH01', 'at: "01:00:01:12", bus: FX }   # over SH01'));
  });

  it('bad locks: diagnostics with the lock file and line on stderr, exit 1, no report', async () => {
    const overlap = readFileSync(join(FIXTURES, 'overlap.edl'));
    const dir = makeProject(
      projectFiles(PROJECT, {
        'picture/notes.edl': readFileSync(join(FIXTURES, 'not-an-edl.edl')),
        'picture/df.edl': readFileSync(join(FIXTURES, 'df-in-24.edl')),
        'picture/overlap.edl': overlap,
        'picture/cut.aaf': 'binary\u0000stuff',
      }),
    );
    const notes = await run(['--from', 'picture/v1.edl', '--to', 'picture/notes.edl'], dir);
    expect(notes.code).toBe(1);
    expect(notes.out).toBe('');
    expect(notes.err).toContain('picture/notes.edl:1:1: error PA601: picture/notes.edl is not a CMX3600 EDL: it has no event lines');
    expect(notes.err.split('\n').at(-1)).toBe('conform: 1 error; no report');

    const df = await run(['--from', 'picture/df.edl', '--to', 'picture/v2.edl'], dir);
    expect(df.code).toBe(1);
    expect(df.err).toContain('picture/df.edl:2:6: error PA603:');

    const ov = await run(['--from', 'picture/v1.edl', '--to', 'picture/overlap.edl'], dir);
    expect(ov.code).toBe(1);
    expect(ov.err).toContain('picture/overlap.edl:6:54: error PA604:');
    expect(ov.err).toContain('hint: event 001 is here (line 4)');

    const missing = await run(['--from', 'picture/v1.edl', '--to', 'picture/v9.edl'], dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('picture/v9.edl: error PA601: cannot read picture lock picture/v9.edl: no such file');

    const aaf = await run(['--from', 'picture/v1.edl', '--to', 'picture/cut.aaf'], dir);
    expect(aaf.code).toBe(1);
    expect(aaf.err).toContain('picture/cut.aaf:1:1: error PA601');
  });

  it('an OTIO lock on one side and an EDL on the other', async () => {
    const dir = makeProject(
      projectFiles(
        projectYaml({ lock: 'picture/lh.otio', dialogue: ['{ id: a, source: blip, at: { shot: SC01_SH03, offset: 1 s }, bus: DX }'] }),
        { 'picture/lh.otio': readFileSync(join(FIXTURES, 'lighthouse-v1.otio')), 'picture/lh2.edl': readFileSync(join(FIXTURES, 'lighthouse-v2.edl')) },
      ),
    );
    const r = await run(['--from', 'picture/lh.otio', '--to', 'picture/lh2.edl', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.from.format).toBe('otio');
    expect(j.events[0]).toMatchObject({ id: 'a', status: 'moved', old: { start: '01:00:12:00' }, new: { start: '01:00:13:00' } });
  });

  it('usage: --from and --to are required (exit 2)', async () => {
    const dir = makeProject(projectFiles(PROJECT));
    expect((await run(['--to', 'picture/v2.edl'], dir)).code).toBe(2);
    expect((await run([], dir)).code).toBe(2);
  });

  it('a project that does not compile for other reasons: its errors, exit 1', async () => {
    const dir = makeProject(projectFiles(PROJECT.replace('bus: FX }', 'bus: FXX }')));
    const r = await run(['--from', 'picture/v1.edl', '--to', 'picture/v2.edl'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error PA203: event 't1': unknown bus 'FXX'");
    expect(r.out).toBe('');
  });

  it('a lock with a clip cut in twice: anchors to it are flagged (PA607) in the report', async () => {
    const twice = edl('TWICE', [
      edlEvent(1, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:00:00', '01:00:02:00'], 'SH01'),
      edlEvent(2, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:02:00', '01:00:04:00'], 'SH01'),
    ]);
    const dir = makeProject(projectFiles(PROJECT, { 'picture/twice.edl': twice }));
    const r = await run(['--from', 'picture/v1.edl', '--to', 'picture/twice.edl', '--json'], dir);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out).events.find((e: { id: string }) => e.id === 'a');
    expect(a).toMatchObject({ status: 'flagged', code: 'PA607' });
    expect(a.why).toContain("shot 'SH01' is ambiguous: it is in the picture lock 2 times");
  });
});
