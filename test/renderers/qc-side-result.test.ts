/**
 * QC takes the deliverable's side result (the measurement of the samples it wrote) instead of
 * decoding the file again; its numbers equal a re-measure of the file, and without a usable
 * side result (an old cache entry, another meter version) QC measures the file itself and
 * writes the same report bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { Cache } from '../../src/engine/cache.ts';
import { measureWav, type SideMeasurement } from '../../src/renderers/measure.ts';
import type { QcResult } from '../../src/renderers/qc.ts';
import { buildProject, tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

const YAML = `postaudio: 1
project: { title: Side, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00", date: 2026-01-02 }
sources:
  talk: media/talk.wav
  bed: media/bed.wav
buses:
  DX: { stem: dialogue }
  FX: { stem: effects }
dialogue:
  - { id: d1, source: talk, at: "10:00:00:00", bus: DX, pan: -20 deg }
sfx:
  - { id: f1, source: bed, at: "10:00:00:10", bus: FX, gain: -3 dB }
master:
  layout: stereo
  targets:
    t: { integrated: -20 LUFS, tolerance: 1 LU, true_peak: -3 dBTP }
  deliverables:
    - { name: main, file: main.wav, bits: 24, target: t }
    - { name: mono, file: mono.wav, layout: mono, bits: 16 }
    - { name: float, file: float.wav, bits: 32f }
`;

const FILES = ['main.wav', 'mono.wav', 'float.wav'];

const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function setup(): string {
  const dir = tmpDir('pa-qc-side-');
  made.push(dir);
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
  writeWav(path.join(dir, 'media/talk.wav'), { frames: 48000 * 6 }, (i) => (0.3 + 0.2 * Math.sin(i / 9000)) * Math.sin(i / 7) + 0.05 * rnd());
  writeWav(path.join(dir, 'media/bed.wav'), { frames: 48000 * 5, channels: 2 }, (i, c) => 0.9 * Math.sin(i / (3 + c)) * (i % 48000 < 2000 ? 1 : 0.1));
  writeFiles(dir, { 'postaudio.yaml': YAML });
  return dir;
}

async function keys(dir: string): Promise<Map<string, string>> {
  const r = await compile(path.join(dir, 'postaudio.yaml'));
  return new Map(r.plan!.nodes.map((n) => [n.id, n.key]));
}

function qcObject(cache: Cache, key: string): QcResult {
  return JSON.parse(fs.readFileSync(cache.objectPath(key), 'utf8')) as QcResult;
}

describe('QC from the deliverable side result', () => {
  it('the side result equals a re-measure of the written file, and QC reports it', async () => {
    const dir = setup();
    const run = await buildProject(dir);
    expect(run.ok).toBe(true);
    const k = await keys(dir);
    const cache = new Cache(path.join(dir, '.postaudio'));
    for (const file of FILES) {
      const sidePath = cache.sidePath(k.get(`deliverable:${file}`)!);
      expect(sidePath).not.toBeNull();
      const side = JSON.parse(fs.readFileSync(sidePath!, 'utf8')) as SideMeasurement;
      const again = measureWav(path.join(dir, 'out', file), { series: true });
      // exactly equal, every field: integrated, LRA, maxima, peaks per channel, the 10 Hz series
      expect(side.loudness).toEqual(again.loudness);
      expect(side.loudness.series!.length).toBeGreaterThan(50);
      const qc = qcObject(cache, k.get(`qc:${file}`)!);
      const l = again.loudness;
      expect(qc.measured).toMatchObject({ integrated: l.integrated, lra: l.lra, truePeak: l.truePeak, samplePeak: l.samplePeak, momentaryMax: l.momentaryMax, shortTermMax: l.shortTermMax });
      expect(qc.series).toEqual(l.series);
    }
  });

  it('QC uses the side result; without a usable one it measures the file and the report bytes do not change', async () => {
    const dir = setup();
    await buildProject(dir);
    const report = (f: string) => fs.readFileSync(path.join(dir, 'out', f), 'utf8');
    const before = { json: report('qc.json'), md: report('qc.md') };
    const k = await keys(dir);
    const cache = new Cache(path.join(dir, '.postaudio'));
    const delKey = k.get('deliverable:main.wav')!;
    const qcKey = k.get('qc:main.wav')!;
    const sidePath = cache.sidePath(delKey)!;
    const original = fs.readFileSync(sidePath, 'utf8');
    const rerunQc = async () => {
      cache.remove(qcKey);
      cache.remove(k.get('report:qc')!); // the report holds QC's results: without it nothing asks for QC
      const r = await buildProject(dir);
      expect(r.rendered).toContain('qc:main.wav');
      expect(r.rendered).not.toContain('deliverable:main.wav');
      return qcObject(cache, qcKey);
    };

    // a doctored side result shows up in QC: it is what QC reads
    const doctored = JSON.parse(original) as SideMeasurement;
    doctored.loudness.integrated = -40;
    fs.writeFileSync(sidePath, JSON.stringify(doctored));
    expect((await rerunQc()).measured.integrated).toBe(-40);

    // a side result of another meter version is ignored: QC measures the file
    fs.writeFileSync(sidePath, JSON.stringify({ ...doctored, meter: doctored.meter + 1 }));
    expect((await rerunQc()).measured.integrated).toBe(measureWav(path.join(dir, 'out/main.wav')).loudness.integrated);
    expect(report('qc.json')).toBe(before.json);
    expect(report('qc.md')).toBe(before.md);

    // no side result (an entry from before side results): the same report, byte for byte
    fs.rmSync(sidePath);
    expect(cache.sidePath(delKey)).toBeNull();
    await rerunQc();
    expect(report('qc.json')).toBe(before.json);
    expect(report('qc.md')).toBe(before.md);
  });

  it('side results are committed and removed with their entry, and do not depend on jobs', async () => {
    const dir = setup();
    const a = await buildProject(dir, { jobs: 1 });
    const b = await buildProject(dir, { jobs: 2, cacheDir: path.join(dir, 'c2'), outDir: path.join(dir, 'o2') });
    expect(b.outputs.map((o) => o.sha256)).toEqual(a.outputs.map((o) => o.sha256));
    const k = await keys(dir);
    const c1 = new Cache(path.join(dir, '.postaudio'));
    const c2 = new Cache(path.join(dir, 'c2'));
    const delKey = k.get('deliverable:main.wav')!;
    expect(fs.readFileSync(c2.sidePath(delKey)!, 'utf8')).toBe(fs.readFileSync(c1.sidePath(delKey)!, 'utf8'));
    expect(fs.readFileSync(path.join(dir, 'o2/qc.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'out/qc.json'), 'utf8'));
    const side = c1.sidePath(delKey)!;
    c1.remove(delKey);
    expect(fs.existsSync(side)).toBe(false);
    // a truncated object renders again with a fresh side result
    await buildProject(dir);
    fs.truncateSync(c1.objectPath(delKey), 100);
    const r = await buildProject(dir);
    expect(r.rendered).toContain('deliverable:main.wav');
    expect(c1.sidePath(delKey)).not.toBeNull();
  });
});
