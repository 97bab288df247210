// `master.layback` in the project: `postaudio build` lays the mix back onto the picture reference
// after a successful build (for real, with ffmpeg), only when the mix or the reference changed;
// without ffmpeg the build warns and succeeds. Bad keys are diagnostics at their line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

let ffmpeg = true;
try {
  execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
} catch {
  ffmpeg = false;
}
if (!ffmpeg && process.env.CI) throw new Error('ffmpeg is required for the layback tests in CI (.ci/run installs it)');

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const project = (layback: string, gain = '0 dB') => `postaudio: 1
project: { title: Layback, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00" }
sources:
  tone: tone.wav
buses:
  DX: { stem: dialogue }
dialogue:
  - { id: d1, source: tone, at: "01:00:00:06", bus: DX, gain: ${gain} }
master:
  layout: stereo
  deliverables:
    - { name: stereo, file: mix.wav, bits: 24 }
    - { name: stems, file: "mix-{stem}.wav", stems: [dialogue], bits: 24 }
  layback: ${layback}
`;

function decodeAudio(file: string): Float32Array {
  const buf = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 'f32le', '-acodec', 'pcm_f32le', '-'], { maxBuffer: 1 << 26 });
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

function newProject(layback: string): string {
  const dir = tmpDir('pa-layback-yaml-');
  writeFiles(dir, { 'postaudio.yaml': project(layback) });
  writeWav(path.join(dir, 'tone.wav'), { frames: 48000, bits: 16 }, (i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 48000));
  return dir;
}

describe.skipIf(!ffmpeg)('master.layback with ffmpeg', () => {
  let ref: string;
  beforeAll(() => {
    const d = tmpDir('pa-layback-ref-');
    ref = path.join(d, 'ref.mov');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=2:size=160x120:rate=24', '-c:v', 'mpeg4', '-q:v', '5', '-f', 'mov', ref]);
  });

  it('build writes the movie, then leaves it alone until the mix changes', async () => {
    const dir = newProject('{ video: picture/ref.mov }');
    fs.mkdirSync(path.join(dir, 'picture'));
    fs.copyFileSync(ref, path.join(dir, 'picture/ref.mov'));
    const first = await run(['build', dir], dir);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('layback out/ref.stereo.mov: stereo (2 ch, 48000 Hz, pcm_s24le) on picture/ref.mov, video copied');
    const movie = path.join(dir, 'out/ref.stereo.mov');
    const decoded = decodeAudio(movie);
    expect(decoded.length).toBe(2 * (48000 + 12000)); // 6 frames of offset at 24 fps, then 1 s of tone, stereo
    const mtime = fs.statSync(movie).mtimeMs;

    const again = await run(['build', dir], dir);
    expect(again.code).toBe(0);
    expect(again.out).toContain('layback out/ref.stereo.mov: up to date (stereo on picture/ref.mov)');
    expect(fs.statSync(movie).mtimeMs).toBe(mtime);

    writeFiles(dir, { 'postaudio.yaml': project('{ video: picture/ref.mov }', '-6 dB') });
    const changed = await run(['build', dir], dir);
    expect(changed.code).toBe(0);
    expect(changed.out).toContain('layback out/ref.stereo.mov: stereo (2 ch');
    const quieter = decodeAudio(movie);
    const peak = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(20 * Math.log10(peak(quieter) / peak(decoded))).toBeCloseTo(-6, 1);
  });

  it('a movie rewritten since the stamp (here by postaudio layback with another mix) is laid back again', async () => {
    const dir = newProject('{ video: ref.mov }');
    fs.copyFileSync(ref, path.join(dir, 'ref.mov'));
    expect((await run(['build', dir], dir)).out).toContain('layback out/ref.stereo.mov: stereo (2 ch');
    writeFiles(dir, { 'postaudio.yaml': project('{ video: ref.mov }', '-6 dB') });
    expect((await run(['layback', dir], dir)).code).toBe(0); // the -6 dB mix, same movie, stamp not touched
    writeFiles(dir, { 'postaudio.yaml': project('{ video: ref.mov }') });
    const back = await run(['build', dir], dir);
    expect(back.out).not.toContain('up to date');
    // the movie carries the mix of the build, sample for sample
    expect(Buffer.from(decodeAudio(path.join(dir, 'out/ref.stereo.mov')).buffer).equals(Buffer.from(decodeAudio(path.join(dir, 'out/mix.wav')).buffer))).toBe(true);
  });

  it('postaudio layback with no flags takes the reference, deliverable and file from the project', async () => {
    const dir = newProject('{ video: ref.mov, deliverable: stereo, file: review.mov }');
    fs.copyFileSync(ref, path.join(dir, 'ref.mov'));
    const r = await run(['layback', dir], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('layback out/review.mov: video copied from ref.mov, audio stereo (stereo, 2 ch, 48000 Hz, pcm_s24le)');
  });
});

/** A project whose reference is a stand-in file: with ffmpeg missing, nothing ever reads it. */
function standIn(): string {
  const dir = newProject('{ video: ref.mov }');
  fs.writeFileSync(path.join(dir, 'ref.mov'), 'a stand-in: ffmpeg never reads it');
  return dir;
}

/** Runs `fn` with POSTAUDIO_FFMPEG pointing at a binary that does not exist. */
async function withoutFfmpeg<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.POSTAUDIO_FFMPEG;
  process.env.POSTAUDIO_FFMPEG = path.join(dir, 'no-such-ffmpeg');
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.POSTAUDIO_FFMPEG;
    else process.env.POSTAUDIO_FFMPEG = before;
  }
}

describe('master.layback', () => {
  it('without ffmpeg the build succeeds with a PA610 warning that says how to install it', async () => {
    const dir = standIn();
    const r = await withoutFfmpeg(dir, () => run(['build', dir], dir));
    expect(r.code).toBe(0);
    expect(r.err).toContain('postaudio.yaml:14:12: warning PA610: layback skipped: ffmpeg is not installed');
    expect(r.err).toContain('apt-get install ffmpeg');
    expect(fs.existsSync(path.join(dir, 'out/mix.wav'))).toBe(true);
  });

  it('with --reporter json the layback warning is a diagnostic event and the summary stays the last line', async () => {
    const dir = standIn();
    const r = await withoutFfmpeg(dir, () => run(['build', dir, '--reporter', 'json'], dir));
    expect(r.code).toBe(0);
    const events = r.out.split('\n').map((l) => JSON.parse(l) as { type: string; ok?: boolean; diagnostic?: { code: string; severity: string } });
    expect(events.at(-1)).toMatchObject({ type: 'summary', ok: true });
    expect(events.at(-2)).toMatchObject({ type: 'diagnostic', diagnostic: { code: 'PA610', severity: 'warning' } });
  });

  it('a missing reference (PA300), an unknown deliverable or a stems one (PA216), each at its line', async () => {
    const dir = newProject('{ video: nope.mov, deliverable: stereoo }');
    const r = await run(['validate', dir], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("postaudio.yaml:14:21: error PA300: master.layback.video: the picture reference nope.mov does not exist");
    expect(r.err).toContain("postaudio.yaml:14:44: error PA216: master.layback: no deliverable named 'stereoo'");
    expect(r.err).toContain("did you mean 'stereo'?");
    fs.writeFileSync(path.join(dir, 'ref.mov'), 'x');
    writeFiles(dir, { 'postaudio.yaml': project('{ video: ref.mov, deliverable: stems }') });
    const stems = await run(['validate', dir], dir);
    expect(stems.code).toBe(1);
    expect(stems.err).toContain("error PA216: master.layback: 'stems' writes one file per stem; lay back a single mix");
  });
});
