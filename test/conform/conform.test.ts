// The conform report (what a new lock does to each event) and --write (YAML edited in place).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformMarkdown } from '../../src/conform/format.ts';
import { conformProject, type ConformReport, type EventChange } from '../../src/conform/report.ts';
import { writeConform } from '../../src/conform/write.ts';
import { projectFactory } from '../helpers/project.ts';
import { codes, compileDir, projectFiles, projectYaml } from './helpers.ts';

const makeProject = projectFactory();

/** Anchored and timecode events over the v1 → v2 re-cut (see helpers.ts). */
const EVENTS = {
  dialogue: [
    '{ id: a, source: blip, at: { shot: SH01, offset: 12f }, bus: DX }', // SH01 moves +1 s
    '{ id: b, source: blip, at: { reel: R2, tc: "11:00:01:00" }, bus: DX }', // follows SH02's footage: +12f
    '{ id: c, source: blip, at: { shot: SH02, offset: 1.25 s }, bus: DX }', // SH02 is 12f shorter: 0.25 s past its end
    '{ id: d, source: blip, at: { shot: SH03 }, bus: DX }', // SH03 is removed
    '{ id: e, source: blip, at: { shot: SH02, offset: 1.4 s }, bus: DX }', // would lose 80 %: PA608
  ],
  sfx: [
    '{ id: t1, source: blip, at: "01:00:00:12", bus: FX }   # over SH01',
    '{ id: t2, source: blip, at: "01:00:04:12", bus: FX }   # over SH03',
  ],
};

async function report(events = EVENTS, from = 'picture/v1.edl', to = 'picture/v2.edl'): Promise<{ dir: string; r: ConformReport; run: Awaited<ReturnType<typeof conformProject>> }> {
  const dir = makeProject(projectFiles(projectYaml({ lock: 'picture/v1.edl', ...events })));
  const run = await conformProject(join(dir, 'postaudio.yaml'), join(dir, from), join(dir, to));
  expect(run.diagnostics).toEqual([]);
  return { dir, r: run.report!, run };
}

const byId = (r: ConformReport) => Object.fromEntries(r.events.map((e) => [e.id, e])) as Record<string, EventChange>;

describe('conform report', () => {
  it('per event: old and new position, shift, trimmed, dropped, flagged, picture changed, and why', async () => {
    const { r } = await report();
    const e = byId(r);
    expect(r.summary).toEqual({ moved: 2, trimmed: 1, dropped: 1, flagged: 1, 'picture-changed': 2, unresolved: 0, unchanged: 0 });

    expect(e.a).toMatchObject({ status: 'moved', at: 'shot', anchor: 'SH01 + 12f', old: { start: '01:00:00:12', shot: 'SH01' }, new: { start: '01:00:01:12', shot: 'SH01' }, shift: { frames: 24, seconds: 1 } });
    expect(e.a!.why).toBe('moved with SH01 (the shot: moved +24f / +1.000 s)');

    expect(e.b).toMatchObject({ status: 'moved', at: 'reel', old: { start: '01:00:03:00' }, new: { start: '01:00:03:12' }, shift: { frames: 12, seconds: 0.5 } });
    expect(e.b!.why).toContain('it follows the footage (same source frame)');

    expect(e.c).toMatchObject({ status: 'trimmed', old: { start: '01:00:03:06' }, new: { start: '01:00:04:06', trim: { head: 0, tail: 0.25 } }, trimmed: { head: 0, tail: 0.25 }, shift: { frames: 24 } });
    expect(e.c!.why).toContain('it now runs past the cut of SH02 (01:00:03:00–01:00:04:12): trimmed tail 0.250 s with a fade');
    expect(e.c!.why).toContain("the offset counts from the shot's first frame, which is now 12f later in the footage");

    expect(e.d).toMatchObject({ status: 'dropped', code: 'PA606', old: { start: '01:00:04:00', shot: 'SH03' }, new: null, shift: null });
    expect(e.d!.why).toBe('dropped: shot SH03 was removed from the cut; the build fails with PA606 until the event is re-anchored or removed');

    expect(e.e).toMatchObject({ status: 'flagged', code: 'PA608', new: null });
    expect(e.e!.why).toContain('trimming it there would remove 80 % of it');

    expect(e.t1).toMatchObject({ status: 'picture-changed', at: 'timecode', anchor: '01:00:00:12', old: { start: '01:00:00:12' }, new: { start: '01:00:00:12' }, write: { to: '01:00:01:12' } });
    expect(e.t1!.why).toContain('stays at 01:00:00:12; the picture under it changed (SH01 moved +24f / +1.000 s; event 001 (black) added); --write moves it to 01:00:01:12');
    expect(e.t2).toMatchObject({ status: 'picture-changed', write: { to: null } });
    expect(e.t2!.why).toContain('its first frame is no longer in the cut, so --write leaves it');

    expect(e.a).toMatchObject({ file: 'postaudio.yaml', line: 16 });
    expect(e.t1).toMatchObject({ file: 'postaudio.yaml', line: 22 });
  });

  it('lists what happened to each shot', async () => {
    const { r } = await report();
    expect(r.shots.map((s) => `${s.index} ${s.name ?? s.reel} ${s.status}: ${s.change}`)).toEqual([
      '1 SH01 moved: moved +24f / +1.000 s',
      '2 SH02 trimmed: head trimmed 12f, moved +12f / +0.500 s',
      '3 SH03 removed: removed from the cut',
      '1 BL added: added (black)',
      '4 SH04 added: added',
    ]);
    expect(r.from).toEqual({ file: 'picture/v1.edl', title: 'CUT V1', format: 'cmx3600', shots: 3 });
  });

  it('the same lock on both sides: everything unchanged', async () => {
    const { r } = await report(EVENTS, 'picture/v1.edl', 'picture/v1.edl');
    expect(r.summary.unchanged).toBe(7);
    expect(r.shots.every((s) => s.status === 'unchanged')).toBe(true);
  });

  it('Markdown for a pull request: summary, problems first, unchanged folded away', async () => {
    const { r } = await report();
    const md = conformMarkdown(r);
    expect(md.split('\n').slice(0, 5)).toEqual([
      '## Picture conform: `picture/v1.edl` → `picture/v2.edl`',
      '',
      'CUT V1 (CMX3600, 3 shots) → CUT V2 (CMX3600, 4 shots), 24 fps, project `postaudio.yaml`.',
      '',
      '**Events:** 1 dropped · 1 flagged · 1 trimmed · 2 moved · 2 on timecodes over changed picture',
    ]);
    const rows = md.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.map((l) => l.split(' | ')[0])).toEqual(['| `d`', '| `e`', '| `c`', '| `a`', '| `b`', '| `t1`', '| `t2`']);
    expect(rows[0]).toBe(
      '| `d` | postaudio.yaml:19 | SH03 | 01:00:04:00 | — | — | **dropped** (PA606): shot SH03 was removed from the cut; the build fails with PA606 until the event is re-anchored or removed |',
    );
    expect(md).toContain('| 003 SH03 | R3 | 01:00:04:00–01:00:06:00 | — | removed from the cut |');
    const same = conformMarkdown((await report(EVENTS, 'picture/v1.edl', 'picture/v1.edl')).r);
    expect(same).toContain('<details><summary>7 events unchanged</summary>');
    expect(same).toContain('The two locks show the same picture at the same positions.');
  });

  it('a lock that cannot be read stops the report with its diagnostics', async () => {
    const dir = makeProject(projectFiles(projectYaml({ lock: 'picture/v1.edl', ...EVENTS }), { 'picture/bad.edl': 'hello\n' }));
    const run = await conformProject(join(dir, 'postaudio.yaml'), join(dir, 'picture/v1.edl'), join(dir, 'picture/bad.edl'));
    expect(run.ok).toBe(false);
    expect(run.report).toBeUndefined();
    expect(run.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(['PA601 picture/bad.edl:1']);
  });
});

describe('conform --write', () => {
  const SAFE = {
    dialogue: ['{ id: a, source: blip, at: { shot: SH01, offset: 12f }, bus: DX }   # anchored: moves by itself'],
    sfx: [
      '{ id: t1, source: blip, at: "01:00:00:12", bus: FX }   # over SH01',
      "{ id: t2, source: blip, at: '01:00:02:12', bus: FX }     # single quotes stay single",
      '{ id: t3, source: blip, at: "01:00:04:12", bus: FX }   # over SH03, removed: left',
    ],
  };

  it('moves timecode events to their picture and sets picture.lock, changing nothing else', async () => {
    const { dir, r, run } = await report(SAFE);
    const before = readFileSync(join(dir, 'postaudio.yaml'), 'utf8');
    const w = writeConform(run.old.loaded!, r, join(dir, 'picture/v2.edl'));
    expect(w).toEqual({
      files: ['postaudio.yaml'],
      moved: [
        { id: 't1', file: 'postaudio.yaml', line: 18, from: '01:00:00:12', to: '01:00:01:12' },
        { id: 't2', file: 'postaudio.yaml', line: 19, from: '01:00:02:12', to: '01:00:03:00' },
      ],
      left: ['t3'],
      lock: 'picture/v2.edl',
    });
    const after = readFileSync(join(dir, 'postaudio.yaml'), 'utf8');
    const expected = before
      .replace('picture: { lock: picture/v1.edl }', 'picture: { lock: picture/v2.edl }')
      .replace('at: "01:00:00:12", bus: FX }   # over SH01', 'at: "01:00:01:12", bus: FX }   # over SH01')
      .replace("at: '01:00:02:12', bus: FX }", "at: '01:00:03:00', bus: FX }");
    expect(after).toBe(expected);
    // the project now builds against v2 with every event where its picture is
    const again = await compileDir(dir);
    expect(codes(again)).toEqual([]);
    const starts = Object.fromEntries(again.project!.events.map((e) => [e.id, e.start / 2000]));
    expect(starts).toEqual({ a: 36, t1: 36, t2: 72, t3: 108 });
  });

  it('edits included files where the events are, and adds picture: when the project had none', async () => {
    const dir = makeProject(
      projectFiles(
        projectYaml({ dialogue: ['{ id: a, source: blip, at: "01:00:00:12", bus: DX }'] }).replace('sources:', 'include:\n  - reels/fx.yaml   # effects\nsources:'),
        { 'reels/fx.yaml': '# effects reel\nsfx:\n  - id: t1      # the knock\n    source: blip\n    at: 01:00:02:12   # plain scalar\n    bus: FX\n' },
      ),
    );
    const run = await conformProject(join(dir, 'postaudio.yaml'), join(dir, 'picture/v1.edl'), join(dir, 'picture/v2.edl'));
    expect(run.diagnostics).toEqual([]);
    const w = writeConform(run.old.loaded!, run.report!, join(dir, 'picture/v2.edl'));
    expect(w.files).toEqual(['postaudio.yaml', 'reels/fx.yaml']);
    expect(readFileSync(join(dir, 'reels/fx.yaml'), 'utf8')).toBe('# effects reel\nsfx:\n  - id: t1      # the knock\n    source: blip\n    at: 01:00:03:00   # plain scalar\n    bus: FX\n');
    const main = readFileSync(join(dir, 'postaudio.yaml'), 'utf8');
    expect(main).toContain('  start: "01:00:00:00"\n\npicture:\n  lock: picture/v2.edl\ninclude:');
    expect(main).toContain('at: "01:00:01:12"');
    expect(codes(await compileDir(dir))).toEqual([]);
  });

  it('refuses a new lock outside the project folder', async () => {
    const { r, run } = await report(SAFE);
    expect(() => writeConform(run.old.loaded!, r, '/tmp/elsewhere/v2.edl')).toThrow(/outside the project folder/);
  });
});
