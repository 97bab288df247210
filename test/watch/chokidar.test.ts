/**
 * The loop once for real: chokidar on a temp project, the real compiler and engine, one shared
 * worker pool. A source delivered late, a gain edit, a broken and fixed YAML.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRunner } from '../../src/engine/build.ts';
import { chokidarFs } from '../../src/watch/chokidar-fs.ts';
import type { LoopEvent } from '../../src/watch/events.ts';
import { WatchLoop } from '../../src/watch/loop.ts';
import { projectSteps } from '../../src/watch/project-steps.ts';
import { sha256File, tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';
import { runsOf, assertOneBuildAtATime, type RunLog } from './runs.ts';

function project(gain = '-6 dB'): string {
  return `postaudio: 1
project: { title: Watch test, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00" }
sources:
  ramp: media/ramp.wav
  dc: media/dc.wav
buses:
  DX: { stem: dialogue }
dialogue:
  - { id: a, source: ramp, at: "10:00:00:00", bus: DX, gain: ${gain} }
  - { id: b, source: dc, at: "10:00:00:05", bus: DX }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('watch loop with chokidar and real files', () => {
  it('builds when a missing source arrives, on a gain change, and again after a broken YAML is fixed', async () => {
    const dir = tmpDir('pa-watch-');
    dirs.push(dir);
    writeFiles(dir, { 'postaudio.yaml': project() });
    writeWav(path.join(dir, 'media/dc.wav'), { frames: 4800 }, () => 0.25);
    const runner = makeRunner(2, true);
    const events: LoopEvent[] = [];
    const loop = new WatchLoop({
      projectFile: path.join(dir, 'postaudio.yaml'),
      fs: chokidarFs(),
      steps: projectSteps({ projectFile: path.join(dir, 'postaudio.yaml'), cacheDir: path.join(dir, '.postaudio'), outDir: path.join(dir, 'out'), jobs: 2, runner }),
      onEvent: (e) => events.push(e),
    });
    /** Waits for run n to end (compile failed, build finished or cancelled) while nothing else is pending. */
    const run = (n: number): Promise<RunLog> =>
      waitFor(`run ${n}`, () => {
        const r = runsOf(events)[n - 1];
        return r && (r.compiled === false || r.ok !== undefined || r.cancelled !== undefined) && !loop.busy ? r : undefined;
      });
    const mix = path.join(dir, 'out/mix.wav');
    try {
      loop.start();
      // 1: media/ramp.wav is missing
      expect(await run(1)).toMatchObject({ trigger: 'initial build', compiled: false, diagnostics: ['PA300'], built: false });
      expect(loop.watched.files).toContain(path.join(dir, 'media/ramp.wav'));

      // 2: it arrives
      writeWav(path.join(dir, 'media/ramp.wav'), { frames: 9600 }, (i) => i / 9600);
      const r2 = await run(2);
      expect(r2).toMatchObject({ trigger: 'media/ramp.wav added', ok: true });
      // everything renders: 2 sources, 2 clips, the bus, the master, the deliverable (and any QC/report nodes)
      expect(r2.rendered).toEqual(expect.arrayContaining(['bus:DX', 'clip:a', 'clip:b', 'deliverable:mix.wav', 'master', 'source:dc', 'source:ramp']));
      expect(r2.rendered).toHaveLength(r2.nodes);
      const first = sha256File(mix);

      // 3: one clip's gain: that clip, its bus, the master, the deliverable
      writeFiles(dir, { 'postaudio.yaml': project('-3 dB') });
      const r3 = await run(3);
      expect(r3).toMatchObject({ trigger: 'postaudio.yaml changed', ok: true });
      expect(r3.rendered).toEqual(expect.arrayContaining(['bus:DX', 'clip:a', 'deliverable:mix.wav', 'master']));
      expect(r3.rendered.filter((id) => /^(source|clip):/.test(id))).toEqual(['clip:a']);
      const second = sha256File(mix);
      expect(second).not.toBe(first);

      // 4: broken YAML: diagnostics, no build, the deliverable untouched
      writeFiles(dir, { 'postaudio.yaml': project('-3 dB').replace('buses:', 'buses: [') });
      const r4 = await run(4);
      expect(r4).toMatchObject({ compiled: false, built: false });
      expect(r4.diagnostics[0]).toBe('PA101');
      expect(sha256File(mix)).toBe(second);

      // 5: fixed: everything is in the cache
      writeFiles(dir, { 'postaudio.yaml': project('-3 dB') });
      const r5 = await run(5);
      expect(r5).toMatchObject({ ok: true, rendered: [], nodes: r2.nodes });

      // nothing else ran (the engine's own writes into out/ and .postaudio/ are not inputs)
      await new Promise((r) => setTimeout(r, 600));
      expect(runsOf(events)).toHaveLength(5);
      assertOneBuildAtATime(events);
    } finally {
      await loop.close();
      await runner.close();
    }
  });
});
