/**
 * A clean build of a generated bench project in one process (jobs 1), for profiling:
 *   node --cpu-prof --import tsx bench/profile-build.ts
 * BENCH_MINUTES (10), BENCH_EVENTS (200), BENCH_DIR (a temp folder), BENCH_JOBS (1)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile } from '../src/compiler/index.ts';
import { runBuild } from '../src/engine/build.ts';
import { generateProject } from './generate.ts';

const minutes = Number(process.env.BENCH_MINUTES ?? 10);
const events = Number(process.env.BENCH_EVENTS ?? 200);
const jobs = Number(process.env.BENCH_JOBS ?? 1);
const dir = process.env.BENCH_DIR ?? path.join(os.tmpdir(), `postaudio-bench-${minutes}m-${events}e`);
generateProject(dir, { minutes, events });
const cacheDir = path.join(dir, '.postaudio-profile');
fs.rmSync(cacheDir, { recursive: true, force: true });
const t0 = performance.now();
const result = await compile(path.join(dir, 'postaudio.yaml'));
if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
const times: Record<string, number> = {};
await runBuild(result.plan!, {
  cacheDir,
  outDir: path.join(dir, 'out'),
  jobs,
  onEvent: (e) => {
    if (e.type === 'node-done' && !e.cached) times[e.kind] = (times[e.kind] ?? 0) + e.seconds;
  },
});
console.log(`clean build ${((performance.now() - t0) / 1000).toFixed(2)} s (jobs ${jobs})`, Object.entries(times).map(([k, s]) => `${k} ${s.toFixed(2)} s`).join(', '));
fs.rmSync(cacheDir, { recursive: true, force: true });
