import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WavReader } from '../../src/io/index.ts';
import { buildProject, sha256File, tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

const SR = 48000;

function project(gainA = '-6 dB', extra = ''): string {
  return `postaudio: 1
project: { title: Engine test, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00", date: 2026-01-02 }
sources:
  ramp: media/ramp.wav
  dc: media/dc.wav
buses:
  DX: { stem: dialogue }
  MX: { stem: music, gain: -6 dB }
dialogue:
  - { id: a, source: ramp, at: "10:00:00:00", bus: DX, gain: ${gainA} }
  - { id: b, source: dc, at: "10:00:00:05", bus: DX, in: 0.01 s, out: 0.05 s }
music:
  - { id: m, source: dc, at: "10:00:00:02", bus: MX }
${extra}master: { layout: mono, file: mix.wav, bits: 32f }
`;
}

function setup(): string {
  const dir = tmpDir();
  writeWav(path.join(dir, 'media/ramp.wav'), { frames: 9600 }, (i) => i / 9600);
  writeWav(path.join(dir, 'media/dc.wav'), { frames: 4800 }, () => 0.25);
  writeFiles(dir, { 'postaudio.yaml': project() });
  return dir;
}

function readAll(file: string): Float32Array {
  const r = WavReader.open(file);
  const out = new Float32Array(r.info.frames * r.info.channels);
  r.read(0, r.info.frames, out);
  r.close();
  return out;
}

describe('build', () => {
  it('mixes sample-exactly: two clips with known gains sum to known values', async () => {
    const dir = setup();
    const run = await buildProject(dir);
    expect(run.ok).toBe(true);
    const mix = readAll(path.join(dir, 'out/mix.wav'));
    // timeline: 25 fps → 1 frame = 1920 samples. a at 0 (ramp × 0.5), m at 3840 (0.25 × 0.5012 bus), b at 9600 (0.25, src 480..2400)
    const g6 = 10 ** (-6 / 20);
    expect(mix.length).toBe(11520); // b ends at 9600 + 1920
    const expected = (t: number) => {
      let v = 0;
      if (t < 9600) v += Math.fround(Math.fround(t / 9600) * g6);
      if (t >= 3840 && t < 3840 + 4800) v += Math.fround(0.25 * 1) * g6;
      if (t >= 9600 && t < 9600 + 1920) v += 0.25;
      return v;
    };
    for (const t of [0, 1, 100, 3839, 3840, 5000, 8639, 8640, 9599, 9600, 11519]) {
      expect(mix[t]).toBeCloseTo(expected(t), 6);
    }
    // exact at a point where only one clip plays: 0.5012 × ramp
    expect(mix[100]).toBe(Math.fround(g6 * Math.fround(100 / 9600)));
    expect(mix[9700]).toBe(0.25);
  });

  it('renders nothing the second time, and only what a change touches', async () => {
    const dir = setup();
    const first = await buildProject(dir);
    expect(first.rendered).toHaveLength(11); // 2 sources, 3 clips, 2 buses, master, deliverable, its QC, the report
    const again = await buildProject(dir);
    expect(again.rendered).toEqual([]);

    // whitespace and comments: nothing
    writeFiles(dir, { 'postaudio.yaml': `# a comment\n\n${project().replace('gain: -6 dB }', 'gain:   -6 dB   }   # same')}` });
    expect((await buildProject(dir)).rendered).toEqual([]);

    // one event's gain: that clip, its bus, master, deliverable
    writeFiles(dir, { 'postaudio.yaml': project('-3 dB') });
    expect((await buildProject(dir)).rendered).toEqual(['bus:DX', 'clip:a', 'deliverable:mix.wav', 'master', 'qc:mix.wav', 'report:qc']);

    // a source's content: the source, the clips that use it, and what mixes them
    writeWav(path.join(dir, 'media/ramp.wav'), { frames: 9600 }, (i) => -i / 9600);
    expect((await buildProject(dir)).rendered).toEqual(['bus:DX', 'clip:a', 'deliverable:mix.wav', 'master', 'qc:mix.wav', 'report:qc', 'source:ramp']);
  });

  it('an incremental build is byte-identical to a clean build, and jobs do not matter', async () => {
    const dir = setup();
    await buildProject(dir);
    writeFiles(dir, { 'postaudio.yaml': project('-3 dB') });
    await buildProject(dir);
    const incremental = sha256File(path.join(dir, 'out/mix.wav'));
    const clean1 = await buildProject(dir, { cacheDir: path.join(dir, 'c1'), outDir: path.join(dir, 'o1'), jobs: 1 });
    const clean2 = await buildProject(dir, { cacheDir: path.join(dir, 'c2'), outDir: path.join(dir, 'o2'), jobs: 2 });
    expect(clean1.outputs[0].sha256).toBe(incremental);
    expect(clean2.outputs[0].sha256).toBe(incremental);
  });

  it('moving an event re-renders its bus, not the clip', async () => {
    const dir = setup();
    await buildProject(dir);
    writeFiles(dir, { 'postaudio.yaml': project().replace('at: "10:00:00:02"', 'at: "10:00:00:03"') });
    expect((await buildProject(dir)).rendered).toEqual(['bus:MX', 'deliverable:mix.wav', 'master', 'qc:mix.wav', 'report:qc']);
  });

  it('detects a corrupt or truncated cache object and renders it again', async () => {
    const dir = setup();
    const first = await buildProject(dir);
    const good = first.outputs[0].sha256;
    // corrupt every object of the cache: flip a byte in one, truncate another
    const objs: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (!e.name.endsWith('.json')) objs.push(p);
      }
    };
    walk(path.join(dir, '.postaudio/objects'));
    objs.sort();
    for (const o of objs) {
      const buf = fs.readFileSync(o);
      buf[buf.length - 3] ^= 0xff;
      fs.writeFileSync(o, buf);
    }
    fs.rmSync(path.join(dir, 'out'), { recursive: true });
    const second = await buildProject(dir);
    // every stored object renders again (here only the deliverable: plain sources, clips, buses
    // and the master are inline, computed by their readers, and store nothing)
    expect(second.rendered).toEqual(['deliverable:mix.wav', 'qc:mix.wav', 'report:qc']);
    expect(second.outputs[0].sha256).toBe(good);
    // truncate the deliverable object
    const deliverable = objs.find((p) => fs.readFileSync(p).subarray(0, 4).toString() === 'RIFF')!;
    fs.truncateSync(deliverable, 100);
    const third = await buildProject(dir);
    expect(third.rendered).toEqual(['deliverable:mix.wav']);
    expect(third.outputs[0].sha256).toBe(good);
  });

  it('a failed build keeps the last good deliverable and cache intact', async () => {
    const dir = setup();
    const first = await buildProject(dir);
    const before = sha256File(path.join(dir, 'out/mix.wav'));
    expect(before).toBe(first.outputs[0].sha256);
    // a truncated source: the compile reports it, nothing is written
    const src = path.join(dir, 'media/dc.wav');
    fs.truncateSync(src, fs.statSync(src).size - 1000);
    writeFiles(dir, { 'postaudio.yaml': project('-1 dB') });
    const broken = await buildProject(dir);
    expect(broken.ok).toBe(false);
    expect(broken.diagnostics.join('\n')).toMatch(/PA303/);
    expect(sha256File(path.join(dir, 'out/mix.wav'))).toBe(before);
    // no temp files left behind in the output folder
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['mix.loudness.svg', 'mix.wav', 'qc.json', 'qc.md']);
  });
});
