// fmt: canonical key order (from the schema), units, timecodes; comments, blank lines and
// flow/block style kept; idempotent; the example keeps every render key.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { formatYaml, firstDifferentLine } from '../../src/review/fmt.ts';
import { formatProject, writeFormatted } from '../../src/review/format-project.ts';
import { SchemaWalk } from '../../src/review/schema-walk.ts';
import { restoreCommentColumns, trailingCommentAt } from '../../src/review/comment-columns.ts';
import { tmpDir } from '../helpers/tmp-project.ts';
import { yaml } from '../helpers/project.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fmt = (text: string) => {
  const r = formatYaml(text);
  expect(r.errors).toEqual([]);
  return r.text;
};

describe('fmt: key order', () => {
  it('orders sections as TOP_ORDER, unknown top-level keys last', () => {
    const input = yaml`
      master: { layout: stereo, file: mix.wav }
      zzz_notes: keep me
      sources: { tone: tone.wav }
      project: { title: T, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00" }
      postaudio: 1
      buses: { DX: { stem: dialogue } }
      include: [a.yaml]
    `;
    const keys = fmt(input)
      .split('\n')
      .filter((l) => /^[a-z_]+:/.test(l))
      .map((l) => l.split(':')[0]);
    expect(keys).toEqual(['postaudio', 'project', 'include', 'sources', 'buses', 'master', 'zzz_notes']);
  });

  it('orders an event id, source, at, in, out, … with bus last; unknown keys after the known ones', () => {
    const out = fmt('dialogue:\n  - { bus: DX, gain: -1 dB, foo: 1, at: "01:00:01:00", out: 2 s, id: d1, in: 1 s, source: s, pan: 8 deg }\n');
    expect(out).toBe('dialogue:\n  - { id: d1, source: s, at: "01:00:01:00", in: 1 s, out: 2 s, gain: -1 dB, pan: 8 deg, foo: 1, bus: DX }\n');
  });

  it('follows the schema inside nested maps: project, fades, targets, deliverables', () => {
    const input = yaml`
      project:
        start: "01:00:00:00"
        title: T
        frame_rate: 24
        sample_rate: 48000
      sfx:
        - id: x
          fade_in: { curve: equal-power, length: 1 s }
          bus: FX
          source: s
          at: "01:00:00:00"
      master:
        deliverables:
          - { target: t, file: a.wav, name: a }
        targets:
          t: { true_peak: -1 dBTP, integrated: -23 LUFS }
        layout: stereo
    `;
    expect(fmt(input)).toBe(yaml`
      project:
        title: T
        sample_rate: 48000
        frame_rate: 24
        start: "01:00:00:00"
      sfx:
        - id: x
          source: s
          at: "01:00:00:00"
          fade_in: { length: 1 s, curve: equal-power }
          bus: FX
      master:
        layout: stereo
        targets:
          t: { integrated: -23 LUFS, true_peak: -1 dBTP }
        deliverables:
          - { name: a, file: a.wav, target: t }
    `);
  });

  it('keeps the order of ids in sources and buses (they are names, not fields)', () => {
    const out = fmt('sources:\n  zeta: z.wav\n  alpha: a.wav\nbuses:\n  MX: {}\n  DX: {}\n');
    expect(out).toBe('sources:\n  zeta: z.wav\n  alpha: a.wav\nbuses:\n  MX: {}\n  DX: {}\n');
  });

  it('places sections the schema has and TOP_ORDER lacks where the schema puts them', () => {
    const out = fmt('master: { layout: stereo }\nreverbs: { hall: {} }\nbuses: {}\nsfx: []\n');
    expect(out).toBe('buses: {}\nreverbs: { hall: {} }\nsfx: []\nmaster: { layout: stereo }\n');
  });

  it('reads the order from the schema at run time', () => {
    const walk = new SchemaWalk();
    const events = walk.asMap(walk.item(walk.asSeq(walk.child(walk.asMap(walk.top()), 'sfx'))));
    const { order, last } = walk.keyOrder(events, false);
    expect(order.slice(0, 5)).toEqual(['id', 'source', 'at', 'in', 'out']);
    expect(last).toEqual(['bus']);
  });
});

describe('fmt: values', () => {
  it('writes quantities with formatQuantity: a space before the unit, ms under a second, canonical unit names', () => {
    const input = 'sfx:\n  - { id: x, source: s, at: "01:00:00:00", in: 0.25 s, out: 1500ms, gain: "-6dB", pan: -30°, fade_in: 12 frames, lfe: +3 dB, bus: FX }\nmaster:\n  targets:\n    t: { integrated: -27 LKFS, tolerance: 2LU, true_peak: -2 dbtp }\n';
    expect(fmt(input)).toBe(
      'sfx:\n  - { id: x, source: s, at: "01:00:00:00", in: 250 ms, out: 1.5 s, gain: -6 dB, pan: -30 deg, fade_in: 12f, bus: FX, lfe: 3 dB }\nmaster:\n  targets:\n    t: { integrated: -27 LUFS, tolerance: 2 LU, true_peak: -2 dBTP }\n'.replace('bus: FX, lfe: 3 dB', 'lfe: 3 dB, bus: FX'),
    );
  });

  it('leaves strings that are not quantities alone: titles, names, paths, and unparseable values', () => {
    const input = 'project: { title: "0.25 s", start: "01:00:00:00" }\nsources: { "12f": 12f.wav }\nsfx:\n  - { id: x, source: s, at: "01:00:00:00", gain: loud, bus: "5 dB" }\n';
    const out = fmt(input);
    expect(out).toContain('title: "0.25 s"');
    expect(out).toContain('"12f": 12f.wav');
    expect(out).toContain('gain: loud');
    expect(out).toContain('bus: "5 dB"');
  });

  it('never rounds a quantity: a value formatQuantity cannot print exactly is kept as written', () => {
    expect(fmt('sfx:\n  - { id: x, in: 0.0000001 s }\n')).toBe('sfx:\n  - { id: x, in: 0.0000001 s }\n');
  });

  it('pads timecodes to HH:MM:SS:FF, double-quoted; drop-frame keeps its ;', () => {
    const out = fmt('project: { start: 1:0:0:0 }\nsfx:\n  - { id: a, at: "1:00:12:5" }\n  - { id: b, at: \'01:00:12;05\' }\n');
    expect(out).toBe('project: { start: "01:00:00:00" }\nsfx:\n  - { id: a, at: "01:00:12:05" }\n  - { id: b, at: "01:00:12;05" }\n');
  });
});

describe('fmt: what it keeps', () => {
  const input = yaml`
    # header comment
    postaudio: 1

    # the dialogue
    dialogue:
      - { id: d1, bus: DX, source: s, at: "01:00:01:00" }      # flow item, aligned comment
      - id: d2                      # block item
        bus: DX
        # before source
        source: s
        at: "01:00:02:00"
    notes: |
      a block scalar # not a comment
        indented line
  `;

  it('keeps comments (with their column), blank lines, flow and block style, block scalars', () => {
    expect(fmt(input)).toBe(yaml`
      # header comment
      postaudio: 1

      # the dialogue
      dialogue:
        - { id: d1, source: s, at: "01:00:01:00", bus: DX }      # flow item, aligned comment
        - id: d2                      # block item
          # before source
          source: s
          at: "01:00:02:00"
          bus: DX
      notes: |
        a block scalar # not a comment
          indented line
    `);
  });

  it('is idempotent, here and on the example', () => {
    const once = fmt(input);
    expect(fmt(once)).toBe(once);
    for (const f of ['examples/film-project/postaudio.yaml', 'examples/film-project/reels/r1-effects.yaml']) {
      const text = fs.readFileSync(path.join(repo, f), 'utf8');
      const a = fmt(text);
      expect(fmt(a)).toBe(a);
    }
  });

  it('keeps a comment on the line of a key whose value is a nested block', () => {
    const input = 'sources:\n  loc:                 # noisy take\n    file: a.wav\nmusic:\n  - id: m\n    edit:        # stretched\n      - { from: 0 s, to: 8 s }\n';
    expect(fmt(input)).toBe(input);
  });

  it('a trailing comment pushed past its column by a longer line gets one space', () => {
    const out = fmt('sfx:\n  - { id: x, gain: -6dB, bus: FX, source: s } # c\n');
    expect(out).toBe('sfx:\n  - { id: x, source: s, gain: -6 dB, bus: FX } # c\n');
  });

  it('does not touch a file with a YAML syntax error', () => {
    const r = formatYaml('a: [1, 2\nb: 3\n');
    expect(r.errors.length).toBeGreaterThan(0);
    expect(r.text).toBe('a: [1, 2\nb: 3\n');
  });

  it('finds trailing comments outside quotes only', () => {
    expect(trailingCommentAt('a: "x # y" # z')).toBe(11);
    expect(trailingCommentAt("a: 'it''s # here'")).toBe(-1);
    expect(trailingCommentAt('# whole line')).toBe(-1);
    expect(trailingCommentAt('a: b#c')).toBe(-1);
    expect(restoreCommentColumns('k: v      # c\n', 'k: v # c\n', new Set())).toBe('k: v      # c\n');
  });

  it('names the first different line', () => {
    expect(firstDifferentLine('a\nb\nc\n', 'a\nb\nc\n')).toBe(0);
    expect(firstDifferentLine('a\nb\nc\n', 'a\nx\nc\n')).toBe(2);
    expect(firstDifferentLine('a\n', 'a\nb\n')).toBe(2);
  });
});

describe('fmt on the example', () => {
  it('formats the project file and its include, and every render key stays the same', async () => {
    const dir = tmpDir('pa-fmt-example-');
    fs.cpSync(path.join(repo, 'examples/film-project'), dir, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
    const before = await compile(path.join(dir, 'postaudio.yaml'));
    expect(before.ok).toBe(true);
    const r = formatProject(path.join(dir, 'postaudio.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.rel)).toEqual(['postaudio.yaml', 'reels/r1-effects.yaml']);
    writeFormatted(r.files);
    const after = await compile(path.join(dir, 'postaudio.yaml'));
    expect(after.ok).toBe(true);
    expect(after.plan!.nodes.map((n) => [n.id, n.key])).toEqual(before.plan!.nodes.map((n) => [n.id, n.key]));
    // and a second run changes nothing
    expect(formatProject(path.join(dir, 'postaudio.yaml')).files.filter((f) => f.changed)).toEqual([]);
    // every comment survived
    for (const f of r.files) {
      const comments = (t: string) => t.split('\n').flatMap((l) => (l.includes('#') ? [l.slice(l.indexOf('#')).trim()] : [])).sort();
      expect(comments(f.after)).toEqual(comments(f.before));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
