// Every compile diagnostic, asserted on its code, severity, file and exact line/column
// (STYLE.md #7): small projects written to the temp dir, sources made by the real WavWriter.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult, type Diagnostic } from '../../src/compiler/index.ts';
import { projectFactory, wav, wavBytes, yaml, type FileContent } from '../helpers/project.ts';

const makeProject = projectFactory();

async function run(files: Record<string, FileContent>, projectFile = 'postaudio.yaml'): Promise<CompileResult> {
  const dir = makeProject(files);
  return compile(join(dir, projectFile));
}

/** The parts of a diagnostic every test asserts. */
function brief(d: Diagnostic) {
  return { code: d.code, severity: d.severity, file: d.file, line: d.line, col: d.col };
}

async function diagnose(files: Record<string, FileContent>, projectFile?: string) {
  const r = await run(files, projectFile);
  expect(r.ok).toBe(false);
  expect(r.plan).toBeUndefined();
  return r.diagnostics;
}

const err = (code: string, file: string | undefined, line?: number, col?: number) => ({ code, severity: 'error', file, line, col });

/** Project header (lines 1-6) used by most tests; events start at line 7 or later. */
const HEAD = yaml`
  postaudio: 1
  project:
    title: Test
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
`;

describe('a valid project', () => {
  it('compiles with no diagnostics', async () => {
    const r = await run({
      'postaudio.yaml': yaml`
        ${HEAD}sources:
          tone: tone.wav
        buses:
          DX: { stem: dialogue }
        dialogue:
          - { id: d001, source: tone, at: "01:00:01:00", bus: DX }
        master:
          layout: stereo
          file: mix.wav
      `,
      'tone.wav': wav(),
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.plan?.nodes.map((n) => n.id)).toEqual(['source:tone', 'clip:d001', 'bus:DX', 'master', 'deliverable:mix.wav', 'qc:mix.wav', 'report:qc']);
  });
});

describe('load: files, YAML and includes', () => {
  it('PA100: the project file does not exist or cannot be read', async () => {
    const dir = makeProject({ 'dir.yaml/keep': '' });
    const missing = await compile(join(dir, 'postaudio.yaml'));
    expect(missing.diagnostics.map(brief)).toEqual([err('PA100', undefined)]);
    expect(missing.diagnostics[0].message).toBe('file postaudio.yaml does not exist');
    const unreadable = await compile(join(dir, 'dir.yaml'));
    expect(unreadable.diagnostics.map(brief)).toEqual([err('PA100', undefined)]);
    expect(unreadable.diagnostics[0].message).toBe('file dir.yaml cannot be read');
  });

  it('PA101: a YAML syntax error at its position', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        postaudio: 1
        project:
          title: Test
         sample_rate: 48000
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA101', 'postaudio.yaml', 4, 1)]);
    expect(ds[0].message).toBe('YAML syntax: All mapping items must start at the same column');
  });

  it('PA101: a duplicate key points at the second one', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}buses:
          DX: { stem: dialogue }
          FX: {}
          DX: { stem: effects }
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA101', 'postaudio.yaml', 10, 3)]);
    expect(ds[0].message).toContain('Map keys must be unique');
  });

  it('PA101: a syntax error in an included file points into that file, with its own lines', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [reels/r1.yaml]
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/r1.yaml': yaml`
        # reel 1
        sfx:
          - { id: s1, source: tone, at: "01:00:02:00", bus: DX }
          - { id: s2, source: tone, at: "01:00:03:00" bus: DX }
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA101', 'reels/r1.yaml', 4, 33), err('PA101', 'reels/r1.yaml', 4, 47)]);
    expect(ds.map((d) => d.message)).toEqual([
      'YAML syntax: Block collections are not allowed within flow collections',
      'YAML syntax: Unexpected scalar token',
    ]);
  });

  it('PA105: an included file with another format version', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [r1.yaml]
        master: { layout: stereo, file: mix.wav }
      `,
      'r1.yaml': 'sfx: []\npostaudio: 2\n',
    });
    expect(ds.map(brief)).toEqual([err('PA105', 'r1.yaml', 2, 12)]);
    expect(ds[0].message).toBe('unsupported format version 2: this postaudio reads version 1');
  });

  it('PA107: project and master belong in the project file only', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [r1.yaml]
        master: { layout: stereo, file: mix.wav }
      `,
      'r1.yaml': yaml`
        sfx: []
        project: { title: Other }
        master:
          layout: mono
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA107', 'r1.yaml', 2, 1), err('PA107', 'r1.yaml', 3, 1)]);
    expect(ds[0].message).toBe("'project' belongs in the project file, not in an included file");
  });

  it('PA110: an include cycle a → b → a is reported with the chain, at the include that closes it', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [reels/a.yaml]
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/a.yaml': '# reel a\ninclude:\n  - b.yaml\n',
      'reels/b.yaml': '# reel b\n\ninclude: [a.yaml]\n',
    });
    expect(ds.map(brief)).toEqual([err('PA110', 'reels/b.yaml', 3, 11)]);
    expect(ds[0].message).toBe('include cycle: reels/a.yaml → reels/b.yaml → reels/a.yaml');
    expect(ds[0].hint).toBe('remove one of the includes in the cycle');
  });

  it('PA110: a cycle through the project file itself', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [a.yaml]
        master: { layout: stereo, file: mix.wav }
      `,
      'a.yaml': 'include: [postaudio.yaml]\n',
    });
    expect(ds.map(brief)).toEqual([err('PA110', 'a.yaml', 1, 11)]);
    expect(ds[0].message).toBe('include cycle: postaudio.yaml → a.yaml → postaudio.yaml');
  });

  it('PA110: a file included twice is reported at the second include', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include:
          - reels/a.yaml
          - reels/b.yaml
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/a.yaml': 'sfx: []\n',
      'reels/b.yaml': 'include: [./a.yaml]\n',
    });
    expect(ds.map(brief)).toEqual([err('PA110', 'reels/b.yaml', 1, 11)]);
    expect(ds[0].message).toBe('reels/a.yaml is included more than once');
  });

  it('PA111: a missing include points at its name in the including file', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include:
          - reels/r1.yaml
          - reels/r2.yaml
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/r1.yaml': 'sfx: []\n',
    });
    expect(ds.map(brief)).toEqual([err('PA111', 'postaudio.yaml', 9, 5)]);
    expect(ds[0].message).toBe('file reels/r2.yaml does not exist');
  });

  it('PA201: a source or bus defined in two files', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [reels/r1.yaml]
        sources:
          tone: tone.wav
        buses:
          DX: { stem: dialogue }
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/r1.yaml': yaml`
        buses:
          FX: {}
          DX: { stem: effects }
        sources:
          tone: ../tone.wav
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA201', 'reels/r1.yaml', 3, 3), err('PA201', 'reels/r1.yaml', 5, 3)]);
    expect(ds.map((d) => d.message)).toEqual([
      "bus 'DX' is defined twice (first in postaudio.yaml:11)",
      "source 'tone' is defined twice (first in postaudio.yaml:9)",
    ]);
  });

  it('PA210: an include outside the project folder (.. or absolute)', async () => {
    const dir = makeProject({
      'proj/postaudio.yaml': yaml`
        ${HEAD}include:
          - ../shared.yaml
          - /etc/hostname
        master: { layout: stereo, file: mix.wav }
      `,
      'shared.yaml': 'sfx: []\n',
    });
    const ds = (await compile(join(dir, 'proj/postaudio.yaml'))).diagnostics;
    expect(ds.map(brief)).toEqual([err('PA210', 'postaudio.yaml', 8, 5), err('PA210', 'postaudio.yaml', 9, 5)]);
    expect(ds[0].message).toBe('include ../shared.yaml is outside the project folder');
  });

  it('a section of the wrong type in one file and the right type in another does not crash the merge', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [r1.yaml]
        sfx: { s1: 1 }
        master: { layout: stereo, file: mix.wav }
      `,
      'r1.yaml': 'sfx:\n  - { id: s2, source: tone, at: "01:00:02:00", bus: DX }\n',
    });
    expect(ds.map(brief)).toEqual([err('PA102', 'postaudio.yaml', 8, 6)]);
    expect(ds[0].message).toBe('sfx must be a list, got {"s1":1}');
  });
});

describe('schema', () => {
  const project = (body: string) => ({ 'postaudio.yaml': HEAD + body, 'tone.wav': wav() });
  const MASTER = 'master: { layout: stereo, file: mix.wav }\n';

  it('PA102: a wrong type, with the expected value described', async () => {
    const ds = await diagnose(project(`buses:\n  DX:\n    gain: 3\n${MASTER}`));
    expect(ds.map(brief)).toEqual([err('PA102', 'postaudio.yaml', 9, 11)]);
    expect(ds[0].message).toBe('buses.DX.gain must be a string, got 3 (a gain in decibels, e.g. "-6 dB")');
  });

  it('PA102: a value outside an enum', async () => {
    const ds = await diagnose({ 'postaudio.yaml': HEAD.replace('48000', '47999') + MASTER });
    expect(ds.map(brief)).toEqual([err('PA102', 'postaudio.yaml', 4, 16)]);
    expect(ds[0].message).toBe('project.sample_rate must be one of 44100, 48000, 88200, 96000; got 47999');
  });

  it('PA102: a pattern mismatch says what is expected', async () => {
    const ds = await diagnose({ 'postaudio.yaml': HEAD.replace('"01:00:00:00"', '"1:00:00:00"') + MASTER });
    expect(ds.map(brief)).toEqual([err('PA102', 'postaudio.yaml', 6, 10)]);
    expect(ds[0].message).toBe(
      'project.start "1:00:00:00" is not valid: expected SMPTE timecode HH:MM:SS:FF at the project frame rate (HH:MM:SS;FF for drop-frame).',
    );
  });

  it('PA102: a source id that is not a valid name points at the name', async () => {
    const ds = await diagnose(project(`sources:\n  tone: tone.wav\n  "door slam": tone.wav\n${MASTER}`));
    expect(ds.map(brief)).toEqual([err('PA102', 'postaudio.yaml', 9, 3)]);
    expect(ds[0].message).toBe("name 'door slam' in sources is not a valid id (letters, digits, '_', '.', '-')");
  });

  it('PA102: anyOf noise collapses to one message per value', async () => {
    const ds = await diagnose(
      project(yaml`
        dialogue:
          - id: d1
            source: tone
            at: "01:00:01:00"
            bus: DX
            pan: true
            fade_in: 5
            in: 3
            fade_out: { length: 7 }
        ${MASTER}
      `),
    );
    expect(ds.map(brief)).toEqual([
      err('PA102', 'postaudio.yaml', 12, 10),
      err('PA102', 'postaudio.yaml', 13, 14),
      err('PA102', 'postaudio.yaml', 14, 9),
      err('PA102', 'postaudio.yaml', 15, 25),
    ]);
    expect(ds.map((d) => d.message)).toEqual([
      'dialogue[0].pan has an invalid value true: expected position: an azimuth ("-30 deg"), a number -1..1 across the front pair, or keyframes { "0 s": -30 deg, "4 s": 30 deg }.',
      'dialogue[0].fade_in has an invalid value 5: expected a fade: a duration (linear), or a length with a curve.',
      'dialogue[0].in has an invalid value 3: expected a duration: "250 ms", "1.5 s", "12f" (frames at the project frame rate).',
      'dialogue[0].fade_out.length has an invalid value 7: expected a duration: "250 ms", "1.5 s", "12f" (frames at the project frame rate).',
    ]);
  });

  it('PA102/PA103/PA104: an object that takes an object branch of an anyOf reports its own problems', async () => {
    const ds = await diagnose(
      project(yaml`
        sources:
          tone: { fil: tone.wav }
        dialogue:
          - { id: d1, source: tone, at: "01:00:01:00", bus: DX, fade_out: { length: 1 s, curve: sine } }
        ${MASTER}
      `),
    );
    expect(ds.map(brief)).toEqual([
      err('PA104', 'postaudio.yaml', 8, 9),
      err('PA103', 'postaudio.yaml', 8, 11),
      err('PA102', 'postaudio.yaml', 10, 89),
    ]);
    expect(ds.map((d) => [d.message, d.hint])).toEqual([
      ["sources.tone is missing 'file'", 'Path of a WAV/BWF file relative to the file that names it.'],
      ["unknown key 'fil' in sources.tone", "did you mean 'file'?"],
      ['dialogue[0].fade_out.curve must be one of "linear", "equal-power"; got "sine"', undefined],
    ]);
  });

  it("PA103: an unknown key points at the key and suggests the nearest ('did you mean')", async () => {
    const ds = await diagnose(
      project(yaml`
        dialogue:
          - id: d1
            source: tone
            at: "01:00:01:00"
            bus: DX
            gian: -3 dB
            fade_in: { lenght: 10 ms }
        ${MASTER}
      `),
    );
    expect(ds.filter((d) => d.code === 'PA103').map(brief)).toEqual([err('PA103', 'postaudio.yaml', 12, 5), err('PA103', 'postaudio.yaml', 13, 16)]);
    const unknown = ds.filter((d) => d.code === 'PA103');
    expect(unknown.map((d) => [d.message, d.hint])).toEqual([
      ["unknown key 'gian' in dialogue[0]", "did you mean 'gain'?"],
      ["unknown key 'lenght' in dialogue[0].fade_in", "did you mean 'length'?"],
    ]);
  });

  it('PA103: a transposed key in a $ref-ed definition suggests from that definition, not from the root', async () => {
    const ds = await diagnose({ 'postaudio.yaml': HEAD.replace('title', 'titel') + MASTER });
    const unknown = ds.find((d) => d.code === 'PA103')!;
    expect(brief(unknown)).toEqual(err('PA103', 'postaudio.yaml', 3, 3));
    expect(unknown.hint).toBe("did you mean 'title'?");
  });

  it('PA103: with nothing near, the hint lists the allowed keys', async () => {
    const ds = await diagnose(project(`buses:\n  DX: { colour: red }\n${MASTER}`));
    expect(ds.map(brief)).toEqual([err('PA103', 'postaudio.yaml', 8, 9)]);
    expect(ds[0].hint).toBe('allowed keys: stem, gain, process, send');
  });

  it('PA104: a missing required key points at the parent map', async () => {
    const ds = await diagnose(
      project(yaml`
        dialogue:
          - { id: d1, source: tone, at: "01:00:01:00" }
        master:
          layout: stereo
      `),
    );
    expect(ds.map(brief)).toEqual([err('PA104', 'postaudio.yaml', 8, 5)]);
    expect(ds.map((d) => [d.message, d.hint])).toEqual([["dialogue[0] is missing 'bus'", 'Id of the bus this event plays on.']]);
  });

  it('PA104: a project file without project: or master: (would otherwise crash resolve)', async () => {
    const ds = await diagnose({ 'postaudio.yaml': 'postaudio: 1\n' });
    expect(ds.map(brief)).toEqual([err('PA104', 'postaudio.yaml', 1, 1), err('PA104', 'postaudio.yaml', 1, 1)]);
    expect(ds.map((d) => d.message)).toEqual(["the project is missing 'master'", "the project is missing 'project'"]);
  });

  it('PA105: an unsupported format version in the project file', async () => {
    const ds = await diagnose({ 'postaudio.yaml': HEAD.replace('postaudio: 1', 'postaudio: 2') + MASTER });
    expect(ds.map(brief)).toEqual([err('PA105', 'postaudio.yaml', 1, 12)]);
    expect(ds[0].message).toBe('unsupported format version 2: this postaudio reads version 1');
  });

  it('PA103: an unknown top-level key in an included file points into that file', async () => {
    const ds = await diagnose({
      'postaudio.yaml': `${HEAD}include: [r1.yaml]\n${MASTER}`,
      'r1.yaml': '# effects\nsfxx:\n  - { id: s1 }\n',
    });
    expect(ds.map(brief)).toEqual([err('PA103', 'r1.yaml', 2, 1)]);
    expect([ds[0].message, ds[0].hint]).toEqual(["unknown key 'sfxx' in the project", "did you mean 'sfx'?"]);
  });

  it('errors in an included file point into it and name its own list index', async () => {
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [reels/r1.yaml]
        sfx:
          - { id: s1, source: tone, at: "01:00:01:00", bus: DX }
          - { id: s2, source: tone, at: "01:00:01:00", bus: DX }
        ${MASTER}
      `,
      'reels/r1.yaml': yaml`
        # reel 1 effects

        sfx:
          - id: s3
            source: tone
            at: "01:00:02:00"
            bus: DX
            gain: 3
      `,
    });
    expect(ds.map(brief)).toEqual([err('PA102', 'reels/r1.yaml', 8, 11)]);
    expect(ds[0].message).toBe('sfx[0].gain must be a string, got 3 (a gain in decibels, e.g. "-6 dB")');
  });
});

describe('resolve: references, timing, units', () => {
  /** Lines 1-10: header, one 1 s mono source `tone` (48 kHz), buses DX and FX; events from line 11. */
  const BASE = `${HEAD}sources:\n  tone: tone.wav\nbuses:\n  DX: { stem: dialogue }\n`;
  const MASTER = 'master: { layout: stereo, file: mix.wav }\n';
  const events = (lines: string[]) => ({ 'postaudio.yaml': `${BASE}dialogue:\n${lines.map((l) => `  - ${l}\n`).join('')}${MASTER}`, 'tone.wav': wav() });
  const ev = (extra: string, at = '"01:00:01:00"') => `{ id: d1, source: tone, at: ${at}, bus: DX${extra} }`;

  it('PA106: bad unit values in gain, pan, durations and fades', async () => {
    const ds = await diagnose(
      events([ev(', gain: -6 dBFS'), ev(', pan: 200 deg').replace('d1', 'd2'), ev(', in: "-1 s"').replace('d1', 'd3'), ev(', fade_in: 3 apples').replace('d1', 'd4')]),
    );
    expect(ds.map(brief)).toEqual([
      err('PA106', 'postaudio.yaml', 12, 63),
      err('PA106', 'postaudio.yaml', 13, 62),
      err('PA106', 'postaudio.yaml', 14, 61),
      err('PA106', 'postaudio.yaml', 15, 66),
    ]);
    expect(ds.map((d) => d.message)).toEqual([
      `event 'd1': gain: expected a gain like "-6 dB", got "-6 dBFS"`,
      `event 'd2': pan: 200 deg is not an azimuth (-180 deg .. 180 deg)`,
      `event 'd3': in: a duration cannot be negative`,
      `event 'd4': fade_in: expected a duration like "250 ms" or "12f", got "3 apples": unknown unit "apples"`,
    ]);
  });

  it('PA106: a bad bus gain', async () => {
    const ds = await diagnose({
      'postaudio.yaml': `${HEAD}sources:\n  tone: tone.wav\nbuses:\n  DX: { gain: loud }\ndialogue:\n  - ${ev('')}\n${MASTER}`,
      'tone.wav': wav(),
    });
    expect(ds.map(brief)).toEqual([err('PA106', 'postaudio.yaml', 10, 15)]);
    expect(ds[0].message).toMatch(/^bus 'DX': gain: expected a gain like "-6 dB", got "loud"/);
  });

  it('PA201: an event id used twice, across files, points at the second with the first location', async () => {
    const ds = await diagnose({
      'postaudio.yaml': `${BASE}include: [reels/r1.yaml]\ndialogue:\n  - ${ev('')}\n${MASTER}`,
      'reels/r1.yaml': `sfx:\n  - { id: s1, source: tone, at: "01:00:02:00", bus: DX }\n  - { id: d1, source: tone, at: "01:00:03:00", bus: DX }\n`,
      'tone.wav': wav(),
    });
    expect(ds.map(brief)).toEqual([err('PA201', 'reels/r1.yaml', 3, 11)]);
    expect(ds[0].message).toBe("event id 'd1' is used twice (first at postaudio.yaml:13)");
  });

  it('PA202/PA203: unknown source and bus, with did-you-mean', async () => {
    const ds = await diagnose(events(['{ id: d1, source: tonee, at: "01:00:01:00", bus: DX }', '{ id: d2, source: tone, at: "01:00:01:00", bus: MX }']));
    expect(ds.map(brief)).toEqual([err('PA202', 'postaudio.yaml', 12, 23), err('PA203', 'postaudio.yaml', 13, 53)]);
    expect(ds.map((d) => [d.message, d.hint])).toEqual([
      ["event 'd1': unknown source 'tonee'", "did you mean 'tone'?"],
      ["event 'd2': unknown bus 'MX'", "did you mean 'DX'?"],
    ]);
  });

  it('PA204: an event before the project start', async () => {
    const ds = await diagnose(events([ev('', '"00:59:59:23"')]));
    expect(ds.map(brief)).toEqual([err('PA204', 'postaudio.yaml', 12, 33)]);
    expect(ds[0].message).toBe("event 'd1' starts at 00:59:59:23, before the project start 01:00:00:00");
  });

  it('PA205: in or out past the end of the source', async () => {
    const ds = await diagnose(events([ev(', in: 1 s'), ev(', out: 1001 ms').replace('d1', 'd2')]));
    expect(ds.map(brief)).toEqual([err('PA205', 'postaudio.yaml', 12, 61), err('PA205', 'postaudio.yaml', 13, 62)]);
    expect(ds.map((d) => d.message)).toEqual([
      "event 'd1': in 1.000 s is past the end of source 'tone' (1.000 s)",
      "event 'd2': out 1.001 s is past the end of source 'tone' (1.000 s)",
    ]);
  });

  it('PA206: out before (or at) in', async () => {
    const ds = await diagnose(events([ev(', in: 500 ms, out: 200 ms'), ev(', in: 12f, out: 12f').replace('d1', 'd2')]));
    expect(ds.map(brief)).toEqual([err('PA206', 'postaudio.yaml', 12, 74), err('PA206', 'postaudio.yaml', 13, 71)]);
    expect(ds[0].message).toBe("event 'd1': out (0.200 s) must come after in (0.500 s)");
  });

  it('PA207: a timecode frame that does not exist at the frame rate', async () => {
    const ds = await diagnose(events([ev('', '"01:00:01:24"')]));
    expect(ds.map(brief)).toEqual([err('PA207', 'postaudio.yaml', 12, 33)]);
    expect(ds[0].message).toBe(`event 'd1': at timecode "01:00:01:24": frame 24 does not exist at 24 fps (frames run 00–23)`);
  });

  it('PA207: drop-frame frames 00 and 01 at a minute start do not exist (except every tenth minute)', async () => {
    const ds = await diagnose({
      'postaudio.yaml': BASE.replace('frame_rate: 24', 'frame_rate: 29.97df').replace('"01:00:00:00"', '"01:00:00;00"') +
        'dialogue:\n' +
        ['01:01:00;00', '01:01:00;01', '01:01:00;02', '01:10:00;00'].map((tc, i) => `  - { id: d${i}, source: tone, at: "${tc}", bus: DX }\n`).join('') +
        MASTER,
      'tone.wav': wav(),
    });
    expect(ds.map(brief)).toEqual([err('PA207', 'postaudio.yaml', 12, 33), err('PA207', 'postaudio.yaml', 13, 33)]);
    expect(ds[0].message).toContain('does not exist in drop-frame timecode');
    expect(ds[0].message).toContain('the next valid timecode is "01:01:00;02"');
  });

  it('PA207: an invalid project start', async () => {
    const ds = await diagnose({ ...events([ev('')]), 'postaudio.yaml': events([ev('')])['postaudio.yaml'].replace('"01:00:00:00"', '"01:00:00:25"') });
    expect(ds.map(brief)).toEqual([err('PA207', 'postaudio.yaml', 6, 10)]);
    expect(ds[0].message).toMatch(/^project\.start: timecode "01:00:00:25": frame 25 does not exist/);
  });

  it('PA208: fades longer than the event', async () => {
    const ds = await diagnose(events([ev(', out: 500 ms, fade_in: 300 ms, fade_out: { length: 201 ms, curve: equal-power }')]));
    expect(ds.map(brief)).toEqual([err('PA208', 'postaudio.yaml', 12, 79)]);
    expect(ds[0].message).toBe("event 'd1': fades (0.300 s + 0.201 s) are longer than the event (0.500 s)");
  });

  it('PA209: a project with no events', async () => {
    const ds = await diagnose({ 'postaudio.yaml': BASE + MASTER, 'tone.wav': wav() });
    expect(ds.map(brief)).toEqual([err('PA209', 'postaudio.yaml', 1, 1)]);
    expect(ds[0].hint).toBe('add events under dialogue:, sfx:, foley: or music:');
  });
});

describe('resolve: media', () => {
  const HEADER = `${HEAD}buses:\n  DX: {}\n`; // lines 1-8
  /** sources from line 10, one event per source from after them. */
  const withSources = (sources: Record<string, string>, extraProject = '') => {
    const ids = Object.keys(sources);
    return (
      HEADER.replace('start: "01:00:00:00"\n', `start: "01:00:00:00"\n${extraProject}`) +
      'sources:\n' +
      ids.map((id) => `  ${id}: ${sources[id]}\n`).join('') +
      'sfx:\n' +
      ids.map((id, i) => `  - { id: e${i}, source: ${id}, at: "01:00:01:00", bus: DX }\n`).join('') +
      'master: { layout: stereo, file: mix.wav }\n'
    );
  };

  it('PA210: sources outside the project folder, absolute or through ..', async () => {
    const dir = makeProject({
      'proj/postaudio.yaml': withSources({ a: '/etc/hostname', b: '../outside.wav', c: '{ file: sub/../../outside.wav }' }),
      'outside.wav': wav(),
    });
    const ds = (await compile(join(dir, 'proj/postaudio.yaml'))).diagnostics;
    expect(ds.map(brief)).toEqual([err('PA210', 'postaudio.yaml', 10, 6), err('PA210', 'postaudio.yaml', 11, 6), err('PA210', 'postaudio.yaml', 12, 14)]);
    expect(ds[1].message).toBe("source 'b': ../outside.wav is outside the project folder");
    expect(ds[1].hint).toBe('list shared media folders in project.media_roots');
  });

  it('PA210: a symbolic link inside the project that leads outside it', async () => {
    const dir = makeProject({ 'proj/postaudio.yaml': withSources({ a: 'link.wav' }), 'outside.wav': wav() });
    symlinkSync(join(dir, 'outside.wav'), join(dir, 'proj/link.wav'));
    const ds = (await compile(join(dir, 'proj/postaudio.yaml'))).diagnostics;
    expect(ds.map(brief)).toEqual([err('PA210', 'postaudio.yaml', 10, 6)]);
    expect(ds[0].message).toBe("source 'a': link.wav leads outside the project folder through a symbolic link");
  });

  it('media_roots allow a shared folder; a file named ..x.wav is inside the project', async () => {
    const dir = makeProject({
      'proj/postaudio.yaml': withSources({ a: '../shared/outside.wav', b: '..b.wav' }, '  media_roots: [../shared]\n'),
      'shared/outside.wav': wav(),
      'proj/..b.wav': wav(),
    });
    const r = await compile(join(dir, 'proj/postaudio.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('PA300: a missing source file', async () => {
    const ds = await diagnose({ 'postaudio.yaml': withSources({ a: 'sfx/missing.wav' }) });
    expect(ds.map(brief)).toEqual([err('PA300', 'postaudio.yaml', 10, 6)]);
    expect(ds[0].message).toBe("source 'a': file sfx/missing.wav does not exist");
  });

  it('PA301-PA305: unreadable or unsupported WAV files', async () => {
    const ok = wavBytes({ frames: 4800 });
    const fmt = ok.indexOf('fmt ');
    const eightBit = Buffer.from(ok);
    eightBit.writeUInt32LE(48000, fmt + 8 + 8); // byte rate
    eightBit.writeUInt16LE(1, fmt + 8 + 12); // block align
    eightBit.writeUInt16LE(8, fmt + 8 + 14); // bits
    const noChannels = Buffer.from(ok);
    noChannels.writeUInt16LE(0, fmt + 8 + 2);
    const ds = await diagnose({
      'postaudio.yaml': withSources({
        text: 'text.wav',
        bogus: 'bogus.wav',
        trunc: 'trunc.wav',
        eight: 'eight.wav',
        three: 'three.wav',
        rate: 'rate.wav',
      }),
      'text.wav': 'this is a text file, not audio\n',
      'bogus.wav': noChannels,
      'trunc.wav': ok.subarray(0, ok.length - 1000),
      'eight.wav': eightBit,
      'three.wav': wav({ channels: 3, frames: 100 }),
      'rate.wav': wav({ sampleRate: 4000 }), // 44.1 kHz and the like are resampled; 4 kHz is not a source rate
    });
    expect(ds.map(brief)).toEqual([
      err('PA301', 'postaudio.yaml', 10, 9),
      err('PA302', 'postaudio.yaml', 11, 10),
      err('PA303', 'postaudio.yaml', 12, 10),
      err('PA304', 'postaudio.yaml', 13, 10),
      err('PA304', 'postaudio.yaml', 14, 10),
      err('PA305', 'postaudio.yaml', 15, 9),
    ]);
    expect(ds.map((d) => d.message)).toEqual([
      `source 'text' (text.wav): not a WAV file (starts with "this is a te")`,
      `source 'bogus' (bogus.wav): fmt chunk declares 0 channels`,
      `source 'trunc' (trunc.wav): truncated: the data chunk claims 9600 bytes (4800 frames) but only 8600 bytes (4300 frames) are present`,
      `source 'eight' (eight.wav): 8-bit integer PCM is not supported (16, 24, 32 are)`,
      `source 'three' (three.wav) has 3 channels; events take mono or stereo sources for now`,
      `source 'rate' (rate.wav) is 4000 Hz; sources from 8 kHz to 384 kHz are converted to the project rate`,
    ]);
    // a bad source does not also make its events report an unknown source
    expect(ds.some((d) => d.code === 'PA202')).toBe(false);
  });
});

describe('collecting every error', () => {
  it('reports all errors of a compile, sorted by file, line and column', async () => {
    // Discovery order differs from position order: sources are probed before events, dialogue is
    // resolved before sfx, and the included file's events come after the project file's.
    const ds = await diagnose({
      'postaudio.yaml': yaml`
        ${HEAD}include: [reels/r1.yaml]
        sfx:
          - { id: s1, source: tone, at: "01:00:01:00", bus: FX }
        dialogue:
          - { id: d1, source: ton, at: "01:00:01:00", bus: DX }
          - { id: d2, source: tone, at: "00:00:01:00", bus: DX }
        buses:
          DX: {}
        sources:
          tone: tone.wav
          gone: gone.wav
        master: { layout: stereo, file: mix.wav }
      `,
      'reels/r1.yaml': yaml`
        foley:
          - { id: f1, source: tone, at: "01:00:01:00", bus: DX, in: 2 s }
      `,
      'tone.wav': wav(),
    });
    expect(ds.map(brief)).toEqual([
      err('PA203', 'postaudio.yaml', 9, 53),
      err('PA202', 'postaudio.yaml', 11, 23),
      err('PA204', 'postaudio.yaml', 12, 33),
      err('PA300', 'postaudio.yaml', 17, 9),
      err('PA205', 'reels/r1.yaml', 2, 61),
    ]);
  });

  it('diagnostics carry the range they were computed from', async () => {
    const r = await run({ 'postaudio.yaml': HEAD.replace('postaudio: 1', 'postaudio: 3') + 'master: { layout: stereo, file: mix.wav }\n' });
    const text = r.loaded!.projectFile.text;
    const d = r.diagnostics[0];
    expect(text.slice(d.range![0], d.range![1])).toBe('3');
  });
});
