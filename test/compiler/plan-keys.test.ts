// Plan keys depend on resolved values only: reformatting YAML changes no key; a changed value
// changes its node and everything downstream, nothing else (DESIGN.md §4, STYLE.md #3).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { canonicalJson, nodeKey, type Plan } from '../../src/plan.ts';
import { projectFactory, wav, yaml, type FileContent } from '../helpers/project.ts';

const makeProject = projectFactory();

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('drops undefined members, writes -0 as 0, and refuses values JSON cannot hold exactly', () => {
    expect(canonicalJson({ a: undefined, b: -0 })).toBe('{"b":0}');
    expect(canonicalJson(null)).toBe('null');
    expect(() => canonicalJson({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('nodeKey', () => {
  const params = { gain: 0.5, fadeIn: { length: 10, curve: 'linear' } };
  const key = nodeKey('clip', 1, params, ['k1']);

  it('is a sha-256 independent of param key order', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(nodeKey('clip', 1, { fadeIn: { curve: 'linear', length: 10 }, gain: 0.5 }, ['k1'])).toBe(key);
  });

  it('changes with the kind, the kind version, any param and the input keys (and their order)', () => {
    const others = [
      nodeKey('bus', 1, params, ['k1']),
      nodeKey('clip', 2, params, ['k1']),
      nodeKey('clip', 1, { ...params, gain: 0.25 }, ['k1']),
      nodeKey('clip', 1, params, ['k2']),
      nodeKey('clip', 1, params, ['k1', 'k2']),
      nodeKey('clip', 1, params, ['k2', 'k1']),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });
});

/** Three events on two buses; the two spellings below are the same project. */
const BLOCK_STYLE = yaml`
  # yaml-language-server: $schema=../../schema/postaudio.schema.json
  postaudio: 1

  project:
    title: Keys
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
    date: "2026-11-01"

  sources:
    tone: tone.wav          # the test tone
    hum: { file: hum.wav }

  buses:
    DX:
      stem: dialogue
    FX:
      stem: effects
      gain: -2 dB

  dialogue:
    - id: d1
      source: tone
      at: "01:00:01:00"
      bus: DX
      gain: -6 dB
      fade_in: 10 ms
    - id: d2
      source: tone
      at: "01:00:03:00"
      bus: DX
      in: 0.25 s
  sfx:
    - id: s1
      source: hum
      at: "01:00:02:00"
      bus: FX
      fade_out: { length: 100 ms, curve: equal-power }

  master:
    layout: stereo
    file: mix.wav
    bits: 24
`;

const FLOW_STYLE = yaml`
  master: {file: mix.wav, bits: 24, layout: stereo}
  sfx: [{bus: FX, fade_out: {curve: equal-power, length: 0.1 s}, at: "01:00:02:00", source: hum, id: s1}]
  dialogue:
  - {in: 250ms, bus: DX, id: d2, at: "01:00:03:00", source: tone}
  - {fade_in: 0.010 s, gain: "-6.0 dB", bus: DX, source: tone, at: "01:00:01:00", id: d1}
  buses: {FX: {gain: -2.0 dB, stem: effects}, DX: {stem: dialogue}}
  sources: {hum: hum.wav, tone: {file: tone.wav}}
  project: {start: "01:00:00:00", date: "2026-11-01", frame_rate: "24", sample_rate: 48000, title: Keys}
  postaudio: 1
`;

async function planOf(projectYaml: string, extra: Record<string, FileContent> = {}): Promise<Plan> {
  const dir = makeProject({ 'postaudio.yaml': projectYaml, 'tone.wav': wav(), 'hum.wav': wav({ frames: 24000, channels: 2 }), ...extra });
  const r = await compile(join(dir, 'postaudio.yaml'));
  expect(r.diagnostics).toEqual([]);
  return r.plan!;
}

const keys = (p: Plan) => Object.fromEntries(p.nodes.map((n) => [n.id, n.key]));

describe('plan keys', () => {
  it('do not change with key order, flow vs block style, comments, whitespace or unit spelling', async () => {
    const a = await planOf(BLOCK_STYLE);
    const b = await planOf(FLOW_STYLE);
    expect(Object.keys(keys(a))).toEqual(['source:hum', 'source:tone', 'clip:d1', 'clip:d2', 'clip:s1', 'bus:DX', 'bus:FX', 'master', 'deliverable:mix.wav', 'qc:mix.wav', 'report:qc']);
    expect(keys(b)).toEqual(keys(a));
  });

  it('do not change when a source file moves (the key holds its content hash, not its path)', async () => {
    const a = await planOf(BLOCK_STYLE);
    const moved = await planOf(BLOCK_STYLE.replace('tone: tone.wav', 'tone: media/tone-v2.wav'), { 'media/tone-v2.wav': wav() });
    expect(keys(moved)).toEqual(keys(a));
  });

  it('a changed clip gain changes exactly that clip and everything downstream of it', async () => {
    const a = keys(await planOf(BLOCK_STYLE));
    const b = keys(await planOf(BLOCK_STYLE.replace('gain: -6 dB', 'gain: -5 dB')));
    const changed = Object.keys(a).filter((id) => a[id] !== b[id]);
    expect(changed).toEqual(['clip:d1', 'bus:DX', 'master', 'deliverable:mix.wav', 'qc:mix.wav', 'report:qc']);
  });

  it('a moved event re-renders its bus, not its clip', async () => {
    const a = keys(await planOf(BLOCK_STYLE));
    const b = keys(await planOf(BLOCK_STYLE.replace('at: "01:00:02:00"', 'at: "01:00:02:12"')));
    const changed = Object.keys(a).filter((id) => a[id] !== b[id]);
    expect(changed).toEqual(['bus:FX', 'master', 'deliverable:mix.wav', 'qc:mix.wav', 'report:qc']);
  });
});
