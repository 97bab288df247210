/**
 * Metering benchmark: integrated + LRA + true peak of a long 5.1 file, postaudio's meter
 * against ffmpeg's ebur128=peak=true on the same file, in the same run.
 *   BENCH_MEASURE_MINUTES (60)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WavWriter } from '../src/io/index.ts';
import { measureWav } from '../src/renderers/measure.ts';

export function benchMeasure(): void {
  const minutes = Number(process.env.BENCH_MEASURE_MINUTES ?? 60);
  const file = path.join(os.tmpdir(), `postaudio-bench-51-${minutes}m.wav`);
  const frames = minutes * 60 * 48000;
  if (!fs.existsSync(file)) {
    // programme-like 5.1: noise with a slow level contour, seeded
    const w = WavWriter.create(file, { sampleRate: 48000, channels: 6, bits: 24, channelMask: 0x3f });
    const block = 48000;
    const buf = new Float32Array(block * 6);
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
    for (let pos = 0; pos < frames; pos += block) {
      const level = 0.05 + 0.2 * (0.5 + 0.5 * Math.sin(pos / 48000 / 37));
      for (let i = 0; i < block * 6; i++) buf[i] = level * rnd() * (i % 6 === 3 ? 0.3 : 1);
      w.write(buf, Math.min(block, frames - pos));
    }
    w.close();
  }
  const seconds = minutes * 60;
  const t0 = performance.now();
  const m = measureWav(file);
  const ours = (performance.now() - t0) / 1000;
  const l = m.loudness;
  console.log(
    `measure ${minutes} min 5.1 (I ${l.integrated?.toFixed(2)} LUFS, LRA ${l.lra?.toFixed(2)} LU, TP ${l.truePeak?.toFixed(2)} dBTP): postaudio ${ours.toFixed(2)} s = ${(seconds / ours).toFixed(0)}× real time, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  if (spawnSync('ffmpeg', ['-version']).status !== 0) {
    console.log('ffmpeg not installed: skipping its ebur128 run (apt-get install ffmpeg)');
    return;
  }
  const t1 = performance.now();
  execFileSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'ignore'] });
  const theirs = (performance.now() - t1) / 1000;
  console.log(`measure ${minutes} min 5.1: ffmpeg ebur128=peak=true ${theirs.toFixed(2)} s = ${(seconds / theirs).toFixed(0)}× real time → postaudio is ${(theirs / ours).toFixed(1)}× faster`);
}
