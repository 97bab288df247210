// The semantic diff of two compiled projects: events matched by id (added, removed, moved with
// the distance in timecode and seconds, retimed, re-trimmed, values changed), sources, buses,
// deliverables and targets, and the render nodes whose keys change.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../src/compiler/index.ts';
import { diffMarkdown } from '../../src/review/diff-markdown.ts';
import { semanticDiff } from '../../src/review/semantic-diff.ts';
import { projectFactory, wav, yaml, type FileContent } from '../helpers/project.ts';

const makeProject = projectFactory();

const BASE = yaml`
  postaudio: 1
  project: { title: Diff test, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00" }
  sources:
    tone: tone.wav
    hit: hit.wav
  buses:
    DX: { stem: dialogue }
    FX: { stem: effects, gain: -2 dB }
  dialogue:
    - { id: d1, source: tone, at: "01:00:01:00", bus: DX }
    - { id: d2, source: tone, at: "01:00:03:00", gain: -3 dB, bus: DX }
  sfx:
    - { id: fx1, source: hit, at: "01:00:02:00", in: 100 ms, bus: FX }
  master:
    layout: stereo
    deliverables:
      - { name: mix, file: mix.wav, target: ebu-r128 }
`;

const MEDIA: Record<string, FileContent> = { 'tone.wav': wav(), 'hit.wav': wav({ frames: 24000 }) };

async function compiled(text: string, media: Record<string, FileContent> = MEDIA): Promise<CompileResult> {
  const dir = makeProject({ 'postaudio.yaml': text, ...media });
  const r = await compile(path.join(dir, 'postaudio.yaml'));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r;
}

async function diff(a: string, b: string, mediaB: Record<string, FileContent> = MEDIA) {
  return semanticDiff({ label: 'A', result: await compiled(a) }, { label: 'B', result: await compiled(b, mediaB) });
}

describe('semantic diff', () => {
  it('says nothing changed for a reformatted project, and invalidates no node', async () => {
    const d = await diff(BASE, BASE.replace('in: 100 ms', 'in: 0.1 s').replace('gain: -3 dB, bus: DX', 'bus: DX, gain: -3dB'));
    expect(d.same).toBe(true);
    expect(d.invalidated).toEqual({ nodes: [], removed: [], total: expect.any(Number) });
    expect(diffMarkdown(d)).toBe('### postaudio diff: Diff test, `A` → `B`\n\nNo change to the soundtrack: every render node has the same key.\n');
  });

  it('reports a move by how much, in timecode, seconds and frames, and what it re-renders', async () => {
    const d = await diff(BASE, BASE.replace('at: "01:00:01:00"', 'at: "01:00:01:12"'));
    expect(d.events.changed).toEqual([
      {
        id: 'd1',
        list: 'dialogue',
        kinds: ['moved'],
        move: { from: '01:00:01:00', to: '01:00:01:12', deltaSeconds: 0.5, deltaTimecode: '+00:00:00:12', deltaFrames: 12 },
        changes: [{ field: 'at', from: '01:00:01:00', to: '01:00:01:12' }],
      },
    ]);
    // the clip itself does not re-render: the bus places it
    expect(d.invalidated.nodes).toContain('bus:DX');
    expect(d.invalidated.nodes).not.toContain('clip:d1');
    expect(d.invalidated.nodes).not.toContain('bus:FX');
    expect(d.invalidated.nodes).toContain('deliverable:mix.wav');
  });

  it('moves earlier carry a minus sign', async () => {
    const d = await diff(BASE, BASE.replace('at: "01:00:03:00"', 'at: "01:00:02:18"'));
    expect(d.events.changed[0].move).toEqual({ from: '01:00:03:00', to: '01:00:02:18', deltaSeconds: -0.25, deltaTimecode: '-00:00:00:06', deltaFrames: -6 });
  });

  it('calls a move with the same `at` retimed (here: the frame rate changed under a timecode with frames)', async () => {
    const a = BASE.replace('at: "01:00:01:00"', 'at: "01:00:01:12"');
    const d = await diff(a, a.replace('frame_rate: 24', 'frame_rate: 25'));
    expect(d.project).toEqual([{ field: 'frame_rate', from: '24', to: '25' }]);
    expect(d.events.changed).toEqual([
      {
        id: 'd1',
        list: 'dialogue',
        kinds: ['retimed'],
        move: { from: '01:00:01:12', to: '01:00:01:12', deltaSeconds: -0.02, deltaTimecode: '-00:00:00:00', deltaFrames: -0.5 },
        changes: [{ field: 'at', from: '01:00:01:12', to: '01:00:01:12' }],
      },
    ]);
    expect(diffMarkdown(d)).toContain('- **d1** (dialogue): retimed -00:00:00:00 (-0.02 s, -0.5f): 01:00:01:12 → 01:00:01:12');
  });

  it('a new project start keeps events at their timecodes: the project changed, not the events', async () => {
    const d = await diff(BASE, BASE.replace('start: "01:00:00:00"', 'start: "00:59:59:00"'));
    expect(d.project).toEqual([{ field: 'start', from: '01:00:00:00', to: '00:59:59:00' }]);
    expect(d.events.changed).toEqual([]);
    expect(d.invalidated.nodes).toContain('deliverable:mix.wav');
  });

  it('reports gains, trims, buses, added and removed events, bus and target changes', async () => {
    const b = BASE.replace('gain: -3 dB', 'gain: -6 dB')
      .replace('in: 100 ms', 'in: 200 ms')
      .replace('FX: { stem: effects, gain: -2 dB }', 'FX: { stem: effects, gain: -4 dB }')
      .replace('target: ebu-r128', 'target: podcast')
      .replace('  - { id: d1, source: tone, at: "01:00:01:00", bus: DX }\n', '  - { id: d3, source: hit, at: "01:00:05:00", bus: FX }\n');
    const d = await diff(BASE, b);
    expect(d.events.added).toEqual([{ id: 'd3', list: 'dialogue', source: 'hit', at: '01:00:05:00', bus: 'FX' }]);
    expect(d.events.removed).toEqual([{ id: 'd1', list: 'dialogue', source: 'tone', at: '01:00:01:00', bus: 'DX' }]);
    const byId = Object.fromEntries(d.events.changed.map((e) => [e.id, e]));
    expect(byId.d2.kinds).toEqual(['gain']);
    expect(byId.d2.changes).toEqual([{ field: 'gain', from: '-3 dB', to: '-6 dB' }]);
    expect(byId.fx1.kinds).toEqual(['re-trimmed']);
    expect(byId.fx1.changes).toEqual([
      { field: 'length', from: '0.4 s', to: '0.3 s' },
      { field: 'in', from: '0.1 s', to: '0.2 s' },
    ]);
    expect(d.buses.changed).toEqual([{ id: 'FX', changes: [{ field: 'gain', from: '-2 dB', to: '-4 dB' }] }]);
    const target = d.deliverables.changed[0];
    expect(target.id).toBe('mix');
    expect(target.changes).toEqual(
      expect.arrayContaining([
        { field: 'target', from: 'ebu-r128', to: 'podcast' },
        { field: 'target.integrated', from: '-23 LUFS', to: '-16 LUFS' },
        { field: 'target.truePeak', from: '-1 dBTP', to: '-1 dBTP' },
      ].filter((c) => c.from !== c.to)),
    );
    expect(d.invalidated.removed).toEqual(['clip:d1']);
    expect(d.invalidated.nodes).toEqual(expect.arrayContaining(['clip:d2', 'clip:fx1', 'clip:d3', 'bus:DX', 'bus:FX', 'master', 'deliverable:mix.wav']));

    const md = diffMarkdown(d);
    expect(md).toContain('- **d3** (dialogue) added: `hit` at 01:00:05:00 on FX');
    expect(md).toContain('- **d1** (dialogue) removed (was `tone` at 01:00:01:00 on DX)');
    expect(md).toContain('- **d2** (dialogue): gain -3 dB → -6 dB');
    expect(md).toContain('- **fx1** (sfx): length 0.4 s → 0.3 s; in 0.1 s → 0.2 s');
    expect(md).toContain('- **FX**: gain -2 dB → -4 dB');
    expect(md).toMatch(/<details><summary>Re-renders \d+ of \d+ render nodes; 1 removed<\/summary>/);
  });

  it('names a source whose content changed, and every node it invalidates', async () => {
    const d = await diff(BASE, BASE, { ...MEDIA, 'hit.wav': wav({ frames: 24000, bits: 24 }) });
    expect(d.sources.changed).toEqual([
      {
        id: 'hit',
        changes: [
          { field: 'content', from: expect.stringMatching(/^sha256 [0-9a-f]{12}…$/), to: expect.stringMatching(/^sha256 [0-9a-f]{12}…$/) },
          { field: 'size', from: '48080 bytes', to: '72104 bytes' },
        ],
      },
    ]);
    expect(d.events.changed).toEqual([]);
    expect(d.invalidated.nodes.slice(0, 3)).toEqual(['source:hit', 'clip:fx1', 'bus:FX']);
  });
});
