// `postaudio layback`: for real, with ffmpeg (installed here and by .ci/run). A 2 s testsrc
// reference, a tiny project's stereo and 5.1 mixes laid back onto it: the video stream must be
// the reference's, packet for packet, and the audio must decode to the rendered deliverable.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { WavReader } from '../../src/io/index.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

function hasFfmpeg(): boolean {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const ffmpeg = hasFfmpeg();
if (!ffmpeg && process.env.CI) throw new Error('ffmpeg is required for the layback tests in CI (.ci/run installs it)');

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['layback', ...args], { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PROJECT = `postaudio: 1
project: { title: Layback, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00", date: 2026-11-01 }
sources:
  tone: tone.wav
  noise: noise.wav
buses:
  DX: { stem: dialogue }
  FX: { stem: effects }
dialogue:
  - { id: d1, source: tone, at: "01:00:00:06", bus: DX, fade_in: 10 ms, fade_out: 10 ms }
sfx:
  - { id: f1, source: noise, at: "01:00:01:00", bus: FX, pan: -30 deg, gain: -6 dB }
master:
  layout: "5.1"
  deliverables:
    - { name: printmaster, file: mix-51.wav, layout: "5.1", bits: 24 }
    - { name: stereo, file: mix-stereo.wav, layout: stereo, bits: 24 }
`;

let dir: string;
let ref: string;

function probe(file: string, extra: string[] = []): { streams: Record<string, unknown>[] } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', ...extra, file], { encoding: 'utf8' }));
}

/** md5 of a file's video packets, copied without decoding. */
function videoPacketsMd5(file: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
}

/** The audio of a movie decoded to float32, interleaved. */
function decodeAudio(file: string): Float32Array {
  const buf = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-acodec', 'pcm_f32le', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

function readWav(file: string): { samples: Float32Array; channels: number; frames: number } {
  const r = WavReader.open(file);
  try {
    const { channels, frames } = r.info;
    const samples = new Float32Array(frames * channels);
    r.read(0, frames, samples);
    return { samples, channels, frames };
  } finally {
    r.close();
  }
}

describe.skipIf(!ffmpeg)('postaudio layback (ffmpeg)', () => {
  beforeAll(() => {
    dir = tmpDir('pa-layback-');
    writeFiles(dir, { 'postaudio.yaml': PROJECT });
    writeWav(path.join(dir, 'tone.wav'), { frames: 48000, bits: 16 }, (i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    let seed = 1;
    writeWav(path.join(dir, 'noise.wav'), { frames: 24000, bits: 16 }, () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed / 2147483648 - 0.5) * 0.2;
    });
    ref = path.join(dir, 'ref.mov');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=160x120:rate=24', '-c:v', 'mpeg4', '-q:v', '5', '-f', 'mov', ref]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lays the stereo mix back by default: video copied packet for packet, audio = the rendered mix', async () => {
    const r = await run(['--video', 'ref.mov'], dir);
    expect(r.code).toBe(0);
    const out = path.join(dir, 'out/ref.stereo.mov');
    expect(r.out).toBe('layback out/ref.stereo.mov: video copied from ref.mov, audio stereo (stereo, 2 ch, 48000 Hz, pcm_s24le)');
    expect(fs.existsSync(out)).toBe(true);

    const src = probe(ref, ['-count_frames']).streams.filter((s) => s.codec_type === 'video');
    const got = probe(out, ['-count_frames']).streams;
    const video = got.filter((s) => s.codec_type === 'video');
    const audio = got.filter((s) => s.codec_type === 'audio');
    expect(video).toHaveLength(1);
    expect(audio).toHaveLength(1);
    expect(video[0]).toMatchObject({ codec_name: src[0]!.codec_name, width: 160, height: 120, nb_read_frames: src[0]!.nb_read_frames, r_frame_rate: '24/1' });
    expect(video[0]!.nb_read_frames).toBe('48');
    expect(videoPacketsMd5(out)).toBe(videoPacketsMd5(ref));
    expect(audio[0]).toMatchObject({ codec_name: 'pcm_s24le', channels: 2, sample_rate: '48000' });

    const mix = readWav(path.join(dir, 'out/mix-stereo.wav'));
    const decoded = decodeAudio(out);
    expect(decoded.length).toBe(mix.samples.length);
    let maxDiff = 0;
    let energy = 0;
    for (let i = 0; i < decoded.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(decoded[i]! - mix.samples[i]!));
      energy += mix.samples[i]! ** 2;
    }
    expect(energy).toBeGreaterThan(100); // the mix is not silence
    expect(maxDiff).toBe(0); // 24-bit PCM both ways: exact
  });

  it('--deliverable chooses the 5.1 printmaster; --out names the movie', async () => {
    const r = await run(['--video', 'ref.mov', '--deliverable', 'printmaster', '--out', 'review/r1-51.mov'], dir);
    expect(r.code).toBe(0);
    const out = path.join(dir, 'review/r1-51.mov');
    const audio = probe(out).streams.filter((s) => s.codec_type === 'audio');
    expect(audio[0]).toMatchObject({ codec_name: 'pcm_s24le', channels: 6 });
    expect(videoPacketsMd5(out)).toBe(videoPacketsMd5(ref));
    const mix = readWav(path.join(dir, 'out/mix-51.wav'));
    const decoded = decodeAudio(out);
    expect(decoded.length).toBe(mix.samples.length);
    let maxDiff = 0;
    for (let i = 0; i < decoded.length; i++) maxDiff = Math.max(maxDiff, Math.abs(decoded[i]! - mix.samples[i]!));
    expect(maxDiff).toBe(0);
    // no temp files left beside it
    expect(fs.readdirSync(path.dirname(out))).toEqual(['r1-51.mov']);
  });

  it('errors: no such deliverable (2), a reference that is not a video, a missing reference, not a .mov (1)', async () => {
    expect((await run(['--video', 'ref.mov', '--deliverable', 'nope'], dir)).code).toBe(2);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a movie');
    const notVideo = await run(['--video', 'notes.txt', '--out', 'x.mov'], dir);
    expect(notVideo.code).toBe(1);
    expect(notVideo.err).toContain('ffmpeg could not lay back mix-stereo.wav onto notes.txt');
    const missing = await run(['--video', 'nope.mov'], dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('the picture reference');
    const mp4 = await run(['--video', 'ref.mov', '--out', 'x.mp4'], dir);
    expect(mp4.code).toBe(1);
    expect(mp4.err).toContain('the output must end in .mov');
    expect((await run([dir], dir)).code).toBe(2); // --video is required
  });
});

describe('postaudio layback without ffmpeg', () => {
  it('says how to install it and exits 1, before building anything', async () => {
    const d = tmpDir('pa-layback-noff-');
    writeFiles(d, { 'postaudio.yaml': PROJECT });
    const before = process.env.POSTAUDIO_FFMPEG;
    process.env.POSTAUDIO_FFMPEG = path.join(d, 'no-such-ffmpeg');
    try {
      const r = await run(['--video', 'ref.mov'], d);
      expect(r.code).toBe(1);
      expect(r.err).toContain('ffmpeg is not installed');
      expect(r.err).toContain('apt-get install ffmpeg');
      expect(fs.existsSync(path.join(d, 'out'))).toBe(false);
    } finally {
      if (before === undefined) delete process.env.POSTAUDIO_FFMPEG;
      else process.env.POSTAUDIO_FFMPEG = before;
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
