/**
 * `npm run bench`: render time and peak memory on a generated long project, and the
 * same mixing work done by ffmpeg where it is installed. Not part of `npm test`.
 *
 *   BENCH_MINUTES (60), BENCH_EVENTS (1000), BENCH_DIR (a temp folder)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile } from '../src/compiler/index.ts';
import { runBuild } from '../src/engine/build.ts';
import { generateProject } from './generate.ts';
import { benchMeasure } from './measure.ts';

const minutes = Number(process.env.BENCH_MINUTES ?? 60);
const events = Number(process.env.BENCH_EVENTS ?? 1000);
const dir = process.env.BENCH_DIR ?? path.join(os.tmpdir(), `postaudio-bench-${minutes}m-${events}e`);

function mb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MiB`;
}

async function timedBuild(label: string, cacheDir: string, jobs: number): Promise<number> {
  const t0 = performance.now();
  const result = await compile(path.join(dir, 'postaudio.yaml'));
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  let rendered = 0;
  await runBuild(result.plan!, {
    cacheDir,
    outDir: path.join(dir, 'out'),
    jobs,
    onEvent: (e) => {
      if (e.type === 'node-done' && !e.cached) rendered++;
    },
  });
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${s.toFixed(2).padStart(7)} s  ${(minutes * 60 / s).toFixed(0).padStart(6)}× real time  (${rendered} nodes rendered)`);
  return s;
}

async function main(): Promise<void> {
  console.log(`postaudio bench: ${minutes} min timeline, ${events} events, ${os.availableParallelism()} cores, node ${process.version}`);
  generateProject(dir, { minutes, events });
  const cache = path.join(dir, '.postaudio');
  fs.rmSync(cache, { recursive: true, force: true });
  const clean = await timedBuild('clean build (all cores)', cache, os.availableParallelism());
  await timedBuild('no-op rebuild', cache, os.availableParallelism());
  const yamlPath = path.join(dir, 'postaudio.yaml');
  const yaml = fs.readFileSync(yamlPath, 'utf8');
  fs.writeFileSync(yamlPath, yaml.replace(/(id: e7, [^}]*gain: )-?\d+ dB/, '$1-20 dB'));
  await timedBuild('one event gain changed', cache, os.availableParallelism());
  fs.writeFileSync(yamlPath, yaml);
  fs.rmSync(cache, { recursive: true, force: true });
  await timedBuild('clean build (1 job)', cache, 1);
  console.log(`peak RSS (whole process, workers included): ${mb(process.resourceUsage().maxRSS)}`);

  // ffmpeg doing the same mix: every event delayed, gained and panned, summed by amix.
  const ff = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (ff.status !== 0) {
    console.log('ffmpeg not installed: skipping the side-by-side (apt-get install ffmpeg)');
    return;
  }
  const result = await compile(yamlPath);
  const proj = result.project!;
  const n = Math.min(events, Number(process.env.BENCH_FFMPEG_EVENTS ?? 200));
  const evs = proj.events.slice(0, n);
  const args: string[] = ['-v', 'error', '-y'];
  const filters: string[] = [];
  evs.forEach((e, i) => {
    const src = proj.sources.get(e.source)!;
    args.push('-i', src.abs);
    const delayMs = (e.start / proj.sampleRate) * 1000;
    const theta = ((e.azimuth / 30 + 1) * Math.PI) / 4;
    filters.push(
      `[${i}]atrim=start_sample=${e.in}:end_sample=${e.out},asetpts=PTS-STARTPTS,volume=${e.gain.toFixed(6)},pan=stereo|c0=${Math.cos(theta).toFixed(6)}*c0|c1=${Math.sin(theta).toFixed(6)}*c0,adelay=${delayMs.toFixed(3)}:all=1[a${i}]`,
    );
  });
  filters.push(`${evs.map((_, i) => `[a${i}]`).join('')}amix=inputs=${evs.length}:normalize=0:duration=longest[out]`);
  const script = path.join(dir, 'ffmpeg-filter.txt');
  fs.writeFileSync(script, filters.join(';\n'));
  const ffOut = path.join(dir, 'ffmpeg-mix.wav');
  const t0 = performance.now();
  execFileSync('ffmpeg', [...args, '-filter_complex_script', script, '-map', '[out]', '-c:a', 'pcm_s24le', ffOut], { stdio: 'inherit' });
  const ffSeconds = (performance.now() - t0) / 1000;
  // postaudio on the same subset
  const subset = path.join(dir, 'subset');
  fs.mkdirSync(subset, { recursive: true });
  const keep = new Set(evs.map((e) => e.id));
  const lines = yaml.split('\n').filter((l) => !/^ {2}- \{ id: e\d+/.test(l) || keep.has(/id: (e\d+)/.exec(l)![1]));
  fs.writeFileSync(
    path.join(subset, 'postaudio.yaml'),
    lines.join('\n').replaceAll('media/', '../media/').replace('date: 2026-01-01 }', 'date: 2026-01-01, media_roots: [../media] }'),
  );
  const t1 = performance.now();
  const sub = await compile(path.join(subset, 'postaudio.yaml'));
  await runBuild(sub.plan!, { cacheDir: path.join(subset, '.postaudio-clean'), outDir: path.join(subset, 'out'), jobs: os.availableParallelism(), onEvent: () => {} });
  const paSeconds = (performance.now() - t1) / 1000;
  fs.rmSync(path.join(subset, '.postaudio-clean'), { recursive: true, force: true });
  console.log(`mix of ${n} events, clean: ffmpeg ${ffSeconds.toFixed(2)} s, postaudio ${paSeconds.toFixed(2)} s → ${(ffSeconds / paSeconds).toFixed(1)}× faster`);
  void clean;
}

await main();
benchMeasure();
