// Picture anchors in the compiler: `at: { shot, offset }` / `{ reel, tc }` resolved through
// picture.lock, their diagnostics (PA606–PA609, the lock's own PA601–PA605, PA210) at exact
// positions, trims at cuts, and what ends up in keys and inputs.
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compiler/index.ts';
import { projectFactory } from '../helpers/project.ts';
import { CUT_V1, codes, compileDir, edl, edlEvent, projectFiles, projectYaml } from './helpers.ts';

const makeProject = projectFactory();
const FIXTURES = join(import.meta.dirname, '../picture/fixtures');

async function build(yamlText: string, extra: Parameters<typeof projectFiles>[1] = {}): Promise<CompileResult> {
  return compileDir(makeProject(projectFiles(yamlText, extra)));
}

function event(r: CompileResult, id: string) {
  const e = r.project?.events.find((x) => x.id === id);
  if (!e) throw new Error(`no event ${id}: ${codes(r).join(', ')} ${r.diagnostics.map((d) => d.message).join(' | ')}`);
  return e;
}

const errors = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error');

const S = 48000; // samples a second; 2000 a frame at 24 fps

describe('anchors resolve through the picture lock', () => {
  it('lands exactly where the equivalent timecode does: same start, same bus key', async () => {
    const anchored = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH02, offset: 12f }, bus: DX }'] }));
    const timed = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: "01:00:02:12", bus: DX }'] }));
    expect(anchored.diagnostics).toEqual([]);
    expect(event(anchored, 'd1').start).toBe(2.5 * S);
    const key = (r: CompileResult, id: string) => r.plan!.nodes.find((n) => n.id === id)!.key;
    for (const id of ['clip:d1', 'bus:DX', 'master', 'deliverable:mix.wav']) expect(key(anchored, id)).toBe(key(timed, id));
  });

  it('offsets in frames, milliseconds, negative; shots by event number; reel and source timecode', async () => {
    const r = await build(
      projectYaml({
        lock: 'picture/v1.edl',
        dialogue: [
          '{ id: a, source: blip, at: { shot: SH02 }, bus: DX }',
          '{ id: b, source: blip, at: { shot: SH02, offset: 500 ms }, bus: DX }',
          '{ id: c, source: blip, at: { shot: SH03, offset: -6f, trim: false }, bus: DX }',
          '{ id: d, source: blip, at: { shot: 3, offset: 1 s }, bus: DX }',
          '{ id: e, source: blip, at: { shot: "002", offset: 0 }, bus: DX }',
          '{ id: f, source: blip, at: { shot: sh01 }, bus: DX }',
          '{ id: g, source: blip, at: { reel: R2, tc: "11:00:01:00" }, bus: DX }',
          '{ id: h, source: blip, at: { reel: R3, tc: "12:00:00:12", offset: 2f }, bus: DX }',
        ],
      }),
    );
    expect(r.diagnostics).toEqual([]);
    const starts = Object.fromEntries(r.project!.events.map((e) => [e.id, e.start / 2000]));
    expect(starts).toEqual({ a: 48, b: 60, c: 90, d: 120, e: 48, f: 0, g: 72, h: 110 });
    expect(event(r, 'g').picture).toEqual({ anchor: 'reel', shot: { index: 2, name: 'SH02', reel: 'R2', recordIn: 86448, recordOut: 86496 }, trim: null });
    expect(event(r, 'a').picture?.anchor).toBe('shot');
  });

  it('timecode events carry no picture record and resolve exactly as before', async () => {
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: "01:00:05:12", bus: DX }'] }));
    expect(event(r, 'd1').start).toBe(5.5 * S);
    expect(event(r, 'd1').picture).toBeUndefined();
  });

  it('reads the lock once and lists it in the compile inputs (watch mode)', async () => {
    const dir = makeProject(projectFiles(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH01 }, bus: DX }'] })));
    const r = await compileDir(dir);
    expect(r.inputs).toContain(join(dir, 'picture/v1.edl'));
  });

  it('puts nothing of the lock in any key: a lock that moves no anchored event changes no key', async () => {
    const dir = makeProject(projectFiles(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH02 }, bus: DX }'] })));
    const before = (await compileDir(dir)).plan!.nodes.map((n) => n.key);
    // retitle the lock, add comments and a later shot: SH02 stays where it is
    writeFileSync(join(dir, 'picture/v1.edl'), `${CUT_V1.replace('TITLE: CUT V1', 'TITLE: CUT V1 (notes)')}* a comment\n${edlEvent(4, 'R9', ['09:00:00:00', '09:00:01:00'], ['01:00:06:00', '01:00:07:00'], 'SH09')}`);
    const after = (await compileDir(dir)).plan!.nodes.map((n) => n.key);
    expect(after).toEqual(before);
  });
});

describe('anchor diagnostics', () => {
  it('PA606: a shot that is not in the lock, at the shot name, with did-you-mean', async () => {
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH2 }, bus: DX }'] }));
    expect(codes(r)).toEqual(['PA606 postaudio.yaml:16:41']);
    expect(r.diagnostics[0]!.message).toBe("event 'd1': shot 'SH2' is not in the picture lock picture/v1.edl");
    expect(r.diagnostics[0]!.hint).toBe("did you mean 'SH02', 'SH01', 'SH03'?");
    expect(r.ok).toBe(false);
  });

  it('PA606: no such event number; a name nothing resembles lists the shots', async () => {
    const r = await build(
      projectYaml({
        lock: 'picture/v1.edl',
        dialogue: ['{ id: d1, source: tone, at: { shot: 7 }, bus: DX }', '{ id: d2, source: tone, at: { shot: WIDE_MASTER }, bus: DX }'],
      }),
    );
    expect(codes(r)).toEqual(['PA606 postaudio.yaml:16:41', 'PA606 postaudio.yaml:17:41']);
    expect(r.diagnostics[0]!.message).toBe("event 'd1': event 007 is not in the picture lock picture/v1.edl");
    expect(r.diagnostics[1]!.hint).toBe('shots in the lock: SH01, SH02, SH03');
  });

  it('PA606: a reel that is not in the lock, or a source timecode outside the cut (at the tc, with the ranges used)', async () => {
    const r = await build(
      projectYaml({
        lock: 'picture/v1.edl',
        dialogue: ['{ id: d1, source: tone, at: { reel: R02, tc: "11:00:00:00" }, bus: DX }', '{ id: d2, source: tone, at: { reel: R2, tc: "11:00:05:00" }, bus: DX }'],
      }),
    );
    expect(codes(r)).toEqual(['PA606 postaudio.yaml:16:41', 'PA606 postaudio.yaml:17:49']);
    expect(r.diagnostics[0]!.hint).toBe("did you mean 'R2'?");
    expect(r.diagnostics[1]!.message).toBe("event 'd2': source timecode 11:00:05:00 of reel R2 is not in the cut of picture/v1.edl");
    expect(r.diagnostics[1]!.hint).toBe('the cut uses reel R2 from 11:00:00:00–11:00:02:00 (event 002 SH02 at 01:00:02:00)');
  });

  it('PA607: a clip name cut in twice is ambiguous; the event number is not', async () => {
    const twice = edl('TWICE', [
      edlEvent(1, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:00:00', '01:00:02:00'], 'SH01'),
      edlEvent(2, 'R2', ['11:00:00:00', '11:00:02:00'], ['01:00:02:00', '01:00:04:00'], 'SH02'),
      edlEvent(3, 'R1', ['10:00:05:00', '10:00:07:00'], ['01:00:04:00', '01:00:06:00'], 'SH01'),
    ]);
    const r = await build(
      projectYaml({
        lock: 'picture/twice.edl',
        dialogue: ['{ id: d1, source: tone, at: { shot: SH01, offset: 1 s }, bus: DX }', '{ id: d2, source: blip, at: { shot: 3, offset: 1 s }, bus: DX }'],
      }),
      { 'picture/twice.edl': twice },
    );
    expect(codes(r)).toEqual(['PA607 postaudio.yaml:16:41']);
    expect(r.diagnostics[0]!.message).toBe("event 'd1': shot 'SH01' is ambiguous: it is in the picture lock 2 times (event 001 SH01 at 01:00:00:00; event 003 SH01 at 01:00:04:00)");
    expect(r.diagnostics[0]!.hint).toBe('anchor by event number ({ shot: 1 }) or by source timecode ({ reel: R1, tc: "…" })');
  });

  it('PA609: an anchor in a project without a picture lock', async () => {
    const r = await build(projectYaml({ dialogue: ['{ id: d1, source: tone, at: { shot: SH01 }, bus: DX }'] }));
    expect(codes(r)).toEqual(['PA609 postaudio.yaml:15:33']);
    expect(r.diagnostics[0]!.hint).toContain('add picture: { lock: picture/lock.edl }');
  });

  it('PA204: an anchor that lands before the project start', async () => {
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH01, offset: -1f, trim: false }, bus: DX }'] }));
    expect(codes(r)).toEqual(['PA204 postaudio.yaml:16:33']);
  });

  it('PA106: an offset that is not a duration', async () => {
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH01, offset: 3 dB }, bus: DX }'] }));
    expect(codes(r)).toEqual(['PA106 postaudio.yaml:16:55']);
  });

  it('schema: unknown anchor keys and missing ones, one message each', async () => {
    const r = await build(
      projectYaml({
        lock: 'picture/v1.edl',
        dialogue: ['{ id: d1, source: tone, at: { shot: SH01, ofset: 1f }, bus: DX }', '{ id: d2, source: tone, at: { reel: R1 }, bus: DX }', '{ id: d3, source: tone, at: "1:00:00", bus: DX }'],
      }),
    );
    expect(codes(r)).toEqual(['PA103 postaudio.yaml:16:47', 'PA104 postaudio.yaml:17:33', 'PA102 postaudio.yaml:18:33']);
    expect(r.diagnostics[0]!.hint).toBe("did you mean 'offset'?");
    expect(r.diagnostics[1]!.message).toBe("dialogue[1].at is missing 'tc'");
    expect(r.diagnostics[2]!.message).toContain('expected a timeline timecode where the event starts');
  });

  it('picture belongs in the project file, not in an include', async () => {
    const r = await build(projectYaml({ dialogue: ['{ id: d1, source: tone, at: "01:00:00:00", bus: DX }'] }).replace('sources:', 'include: [more.yaml]\nsources:'), {
      'more.yaml': 'picture: { lock: picture/v1.edl }\n',
    });
    expect(codes(r)).toEqual(['PA107 more.yaml:1:1']);
  });
});

describe('the lock itself: problems at the lock file and line', () => {
  const withLock = (lock: string, extra: Parameters<typeof projectFiles>[1]) =>
    build(projectYaml({ lock, dialogue: ['{ id: d1, source: tone, at: { shot: SH01 }, bus: DX }'] }), extra);

  it('PA601 at picture.lock for a file that does not exist (and no anchor error on top)', async () => {
    const r = await withLock('picture/nope.edl', {});
    expect(codes(r)).toEqual(['PA601 postaudio.yaml:7:18']);
    expect(r.diagnostics[0]!.message).toBe('picture.lock: cannot read picture lock picture/nope.edl: no such file');
  });

  it('PA601 for a file that is neither an EDL nor an OTIO timeline', async () => {
    const notes = readFileSync(join(FIXTURES, 'not-an-edl.edl'));
    expect(codes(await withLock('picture/notes.edl', { 'picture/notes.edl': notes }))).toEqual(['PA601 picture/notes.edl:1:1']);
    expect(codes(await withLock('picture/cut.xml', { 'picture/cut.xml': '<?xml version="1.0"?><xmeml/>' }))).toEqual(['PA601 picture/cut.xml:1:1']);
    expect(codes(await withLock('picture/cut.otio', { 'picture/cut.otio': '{"OTIO_SCHEMA": "Timeline.1", ' }))[0]).toMatch(/^PA601 picture\/cut.otio:1:/);
  });

  it('PA603: a frame rate that disagrees with the project', async () => {
    const r = await withLock('picture/df.edl', { 'picture/df.edl': readFileSync(join(FIXTURES, 'df-in-24.edl')) });
    expect(codes(r)).toEqual(['PA603 picture/df.edl:2:6', 'PA603 picture/df.edl:4:66']);
  });

  it('PA604: overlapping record ranges on the video track, with the other event as hint', async () => {
    const r = await withLock('picture/overlap.edl', { 'picture/overlap.edl': readFileSync(join(FIXTURES, 'overlap.edl')) });
    expect(codes(r)).toEqual(['PA604 picture/overlap.edl:6:54']);
    expect(r.diagnostics[0]!.hint).toBe('event 001 is here (line 4)');
  });

  it('PA210: a lock outside the project folder, directly or through a symbolic link', async () => {
    const r = await withLock('../elsewhere.edl', {});
    expect(codes(r)).toEqual(['PA210 postaudio.yaml:7:18']);
    const dir = makeProject(projectFiles(projectYaml({ lock: 'picture/link.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH01 }, bus: DX }'] })));
    symlinkSync(join(FIXTURES, 'lighthouse-v1.edl'), join(dir, 'picture/link.edl'));
    expect(codes(await compileDir(dir))).toEqual(['PA210 postaudio.yaml:7:18']);
  });

  it('reads OpenTimelineIO locks too', async () => {
    const otio = readFileSync(join(FIXTURES, 'lighthouse-v1.otio'));
    const r = await build(projectYaml({ lock: 'picture/lh.otio', dialogue: ['{ id: d1, source: tone, at: { shot: SC01_SH03, offset: 1.5 s }, bus: DX }'] }), { 'picture/lh.otio': otio });
    expect(r.diagnostics).toEqual([]);
    expect(event(r, 'd1').start).toBe(12.5 * S);
  });
});

describe('anchored events straddling a cut', () => {
  it('are trimmed at the cut with the trim fade (tail), and the trim is recorded', async () => {
    // blip is 0.5 s; SH01 ends at 2 s; at 1.75 s it runs 0.25 s (50 %) past the cut
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: blip, at: { shot: SH01, offset: 1.75 s }, bus: DX, fade_out: 5 ms }'] }));
    expect(r.diagnostics).toEqual([]);
    const e = event(r, 'd1');
    expect([e.start, e.in, e.out]).toEqual([1.75 * S, 0, 0.25 * S]);
    expect(e.fadeOut).toEqual({ length: 480, curve: 'linear' }); // 10 ms, longer than the 5 ms written
    expect(e.picture?.trim).toEqual({ head: 0, tail: 0.25 * S });
  });

  it('head: a pre-lap before its shot is trimmed at the shot start (in moves, start moves)', async () => {
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: ['{ id: d1, source: tone, at: { shot: SH02, offset: -6f }, bus: DX }'] }));
    const e = event(r, 'd1');
    expect([e.start, e.in, e.out]).toEqual([2 * S, 12000, S]);
    expect(e.fadeIn.length).toBe(480);
    expect(e.picture?.trim).toEqual({ head: 12000, tail: 0 });
  });

  it('trim: false lets it play over the cut; music plays over cuts by default', async () => {
    const r = await build(
      projectYaml({
        lock: 'picture/v1.edl',
        dialogue: ['{ id: d1, source: blip, at: { shot: SH01, offset: 1.75 s, trim: false }, bus: DX }'],
        music: ['{ id: m1, source: tone, at: { shot: SH01, offset: 1.5 s }, bus: MX }', '{ id: m2, source: tone, at: { shot: SH02, offset: 1.5 s, trim: true }, bus: MX }'],
      }),
    );
    expect(errors(r)).toEqual([]);
    expect(event(r, 'd1').out).toBe(0.5 * S);
    expect(event(r, 'm1').out).toBe(S);
    expect(event(r, 'm2').out).toBe(0.5 * S);
  });

  it('PA608 when the trim would remove more than picture.max_trim (default 50 %); max_trim and trim_fade are settings', async () => {
    const over = ['{ id: d1, source: blip, at: { shot: SH01, offset: 1.8 s }, bus: DX }'];
    const r = await build(projectYaml({ lock: 'picture/v1.edl', dialogue: over }));
    expect(codes(r)).toEqual(['PA608 postaudio.yaml:16:33']);
    expect(r.diagnostics[0]!.message).toBe("event 'd1' runs 0.300 s past the cut at 01:00:02:00 (end of its shot SH01): trimming it there would remove 60 % of it (picture.max_trim is 50 %)");
    expect(r.diagnostics[0]!.hint).toContain("add 'trim: false' to the anchor");
    const ok = await build(projectYaml({ picture: 'picture: { lock: picture/v1.edl, max_trim: 75 %, trim_fade: 2f }\n', dialogue: over }));
    expect(ok.diagnostics).toEqual([]);
    expect(event(ok, 'd1').out).toBe(0.2 * S);
    expect(event(ok, 'd1').fadeOut.length).toBe(4000);
    const bad = await build(projectYaml({ picture: 'picture: { lock: picture/v1.edl, max_trim: 150 %, trim_fade: -1 dB }\n', dialogue: over }));
    expect(codes(bad)).toEqual(['PA106 postaudio.yaml:7:44', 'PA106 postaudio.yaml:7:62', 'PA608 postaudio.yaml:16:33']);
  });

  it('a dissolve out of the shot still shows it: no trim until the dissolve ends', async () => {
    const dissolve = edl('DISSOLVE', [
      edlEvent(1, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:00:00', '01:00:02:00'], 'SH01'),
      edlEvent(2, 'R1', ['10:00:02:00', '10:00:02:00'], ['01:00:02:00', '01:00:02:00']),
      edlEvent(2, 'R2', ['11:00:00:00', '11:00:02:00'], ['01:00:02:00', '01:00:04:00'], 'SH02', 'D    012'),
    ]);
    const r = await build(
      projectYaml({
        lock: 'picture/d.edl',
        dialogue: [
          '{ id: d1, source: blip, at: { shot: SH01, offset: 1.75 s }, bus: DX }',
          '{ id: d2, source: blip, at: { shot: SH01, offset: 2.25 s }, bus: DX }',
          '{ id: d3, source: blip, at: { shot: SH01, offset: 2.375 s }, bus: DX }',
        ],
      }),
      { 'picture/d.edl': dissolve },
    );
    // the 12-frame dissolve into SH02 shows SH01 until 2.5 s
    expect(codes(r)).toEqual(['PA608 postaudio.yaml:18:33']);
    expect(r.diagnostics[0]!.message).toContain('runs 0.375 s past the cut at 01:00:02:12');
    const ok = await build(projectYaml({ lock: 'picture/d.edl', dialogue: ['{ id: d1, source: blip, at: { shot: SH01, offset: 1.75 s }, bus: DX }', '{ id: d2, source: blip, at: { shot: SH01, offset: 2.25 s }, bus: DX }'] }), {
      'picture/d.edl': dissolve,
    });
    expect(event(ok, 'd1').out).toBe(0.5 * S); // ends at 2.25 s, inside the dissolve
    expect(event(ok, 'd2').out).toBe(0.25 * S); // ends at 2.75 s: trimmed at 2.5 s
  });
});
