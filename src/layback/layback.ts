/**
 * Layback for review: mux a rendered mix onto the picture reference with ffmpeg.
 * The video stream is copied untouched (-c:v copy); the audio is the deliverable's
 * samples as PCM in a QuickTime .mov (same bit depth, so the samples are exact).
 *
 * This is the only part of postaudio that runs ffmpeg; nothing else needs it. The
 * binary is `ffmpeg` on the PATH, or POSTAUDIO_FFMPEG.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { probeWav, WavError } from '../io/index.ts';

export class LaybackError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LaybackError';
  }
}

export const FFMPEG_INSTALL_HINT = 'install it with: apt-get install ffmpeg (Debian, Ubuntu) · brew install ffmpeg (macOS) · winget install ffmpeg (Windows); or set POSTAUDIO_FFMPEG to its path';

export interface LaybackOptions {
  /** the picture reference (any container ffmpeg reads; its first video stream is used) */
  video: string;
  /** the rendered mix: a WAV/BWF deliverable */
  audio: string;
  /** the .mov to write (written to a temp file beside it, then renamed into place) */
  out: string;
  /** ffmpeg binary (default: POSTAUDIO_FFMPEG, else `ffmpeg` on the PATH) */
  ffmpeg?: string;
}

export interface LaybackResult {
  out: string;
  audioCodec: string;
  channels: number;
  sampleRate: number;
}

/** The PCM codec that carries a WAV's samples unchanged. */
export function pcmCodecFor(bits: number, format: 'int' | 'float'): string {
  if (format === 'float') return bits === 64 ? 'pcm_f64le' : 'pcm_f32le';
  if (bits <= 8) return 'pcm_u8';
  if (bits <= 16) return 'pcm_s16le';
  if (bits <= 24) return 'pcm_s24le';
  return 'pcm_s32le';
}

export function ffmpegBinary(explicit?: string): string {
  return explicit ?? (process.env.POSTAUDIO_FFMPEG || 'ffmpeg');
}

/** Fails early, with the install hint, when ffmpeg cannot be run. */
export async function checkFfmpeg(explicit?: string): Promise<void> {
  const bin = ffmpegBinary(explicit);
  try {
    await execa(bin, ['-hide_banner', '-version'], { stdin: 'ignore' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      throw new LaybackError(`ffmpeg is not installed (or not at ${bin}): layback needs it to write the movie; nothing else in postaudio does`, FFMPEG_INSTALL_HINT);
    }
    throw new LaybackError(`${bin} -version failed: ${(err as Error).message.split('\n')[0]}`, FFMPEG_INSTALL_HINT);
  }
}

export async function layback(o: LaybackOptions): Promise<LaybackResult> {
  if (!fs.existsSync(o.video)) throw new LaybackError(`the picture reference ${o.video} does not exist`);
  if (!fs.statSync(o.video).isFile()) throw new LaybackError(`the picture reference ${o.video} is not a file`);
  let info;
  try {
    info = probeWav(o.audio);
  } catch (err) {
    if (err instanceof WavError) throw new LaybackError(`the mix ${o.audio} cannot be read: ${err.message}`);
    throw err;
  }
  if (path.extname(o.out).toLowerCase() !== '.mov') {
    throw new LaybackError(`the layback is a QuickTime movie with PCM audio: the output must end in .mov (got ${path.basename(o.out)})`);
  }
  const codec = pcmCodecFor(info.bitsPerSample, info.sampleFormat);
  const bin = ffmpegBinary(o.ffmpeg);
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  const tmp = path.join(path.dirname(o.out), `.${path.basename(o.out)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    o.video,
    '-i',
    o.audio,
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    '-c:v',
    'copy',
    '-c:a',
    codec,
    '-map_metadata',
    '0',
    '-f',
    'mov',
    tmp,
  ];
  try {
    await execa(bin, args, { stdin: 'ignore' });
    fs.renameSync(tmp, o.out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const e = err as { code?: string; stderr?: string; shortMessage?: string };
    if (e.code === 'ENOENT') {
      throw new LaybackError(`ffmpeg is not installed (or not at ${bin}): layback needs it to write the movie; nothing else in postaudio does`, FFMPEG_INSTALL_HINT);
    }
    if (e.code === 'EACCES') throw new LaybackError(`${bin} cannot be run (permission denied)`, FFMPEG_INSTALL_HINT);
    const stderr = String(e.stderr ?? '').trim();
    if (/matches no streams/.test(stderr) && /0:v/.test(stderr)) throw new LaybackError(`the picture reference ${o.video} has no video stream`);
    const last = stderr.split('\n').filter(Boolean).slice(-3).join(' · ');
    throw new LaybackError(`ffmpeg could not lay back ${path.basename(o.audio)} onto ${path.basename(o.video)}: ${last || e.shortMessage || String(err)}`);
  }
  return { out: o.out, audioCodec: codec, channels: info.channels, sampleRate: info.sampleRate };
}
