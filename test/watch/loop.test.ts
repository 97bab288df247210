/**
 * The watch → invalidate → rebuild loop against the in-memory FS and a fake clock:
 * which changes trigger a build, how they coalesce, and how many nodes each build renders.
 */
import { describe, expect, it } from 'vitest';
import type { LoopEvent } from '../../src/watch/events.ts';
import { DEBOUNCE_MS, WatchLoop } from '../../src/watch/loop.ts';
import { FakeClock } from './fake-clock.ts';
import { fakeSteps } from './fake-project.ts';
import { MemoryFs } from './memory-fs.ts';
import { assertOneBuildAtATime, runsOf } from './runs.ts';

const ROOT = '/film';
const PROJECT = `${ROOT}/project.json`;
const ALL = ['bus:main', 'clip:a1', 'clip:b1', 'deliverable:mix.wav', 'master', 'source:a', 'source:b'];

function projectJson(gainA = -6, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    title: 'Lighthouse',
    sources: { a: 'media/a.wav', b: 'media/b.wav' },
    clips: [
      { id: 'a1', source: 'a', gain: gainA },
      { id: 'b1', source: 'b', gain: 0 },
    ],
    ...extra,
  })}\n`;
}

function setup(opts: { renderMs?: number; compileMs?: number; files?: Record<string, string> } = {}) {
  const clock = new FakeClock();
  const fs = new MemoryFs(clock);
  const files = opts.files ?? { 'project.json': projectJson(), 'media/a.wav': 'AAAA', 'media/b.wav': 'BBBB' };
  for (const [rel, text] of Object.entries(files)) fs.write(`${ROOT}/${rel}`, text);
  const steps = fakeSteps(fs, clock, PROJECT, opts);
  const events: LoopEvent[] = [];
  const loop = new WatchLoop({ projectFile: PROJECT, fs, steps, clock, onEvent: (e) => events.push(e) });
  const runs = () => runsOf(events);
  return { clock, fs, steps, events, loop, runs };
}

/** Enough fake time for a debounce plus a full build of the toy project. */
const SETTLE = 1000;

describe('watch loop (in-memory FS, fake clock)', () => {
  it('builds once at start, watching the project folder and every source folder', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    expect(runs()).toEqual([expect.objectContaining({ run: 1, trigger: 'initial build', compiled: true, ok: true, rendered: ALL })]);
    expect(fs.watchedDirs).toEqual([ROOT, `${ROOT}/media`]);
    expect(loop.watched.files).toEqual([`${ROOT}/media/a.wav`, `${ROOT}/media/b.wav`, PROJECT]);
    await loop.close();
  });

  it('a change rebuilds after the debounce and renders only what it touches', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    fs.write(PROJECT, projectJson(-3));
    await clock.advance(DEBOUNCE_MS - 1);
    expect(runs()).toHaveLength(1); // still settling
    await clock.advance(SETTLE);
    expect(runs()[1]).toMatchObject({ trigger: 'project.json changed', rendered: ['bus:main', 'clip:a1', 'deliverable:mix.wav', 'master'], cached: 3 });
    // a source's content: its source node, its clip and everything downstream
    fs.write(`${ROOT}/media/b.wav`, 'BBBB2');
    await clock.advance(SETTLE);
    expect(runs()[2]).toMatchObject({ trigger: 'media/b.wav changed', rendered: ['bus:main', 'clip:b1', 'deliverable:mix.wav', 'master', 'source:b'] });
    expect(runs()).toHaveLength(3);
    await loop.close();
  });

  it('coalesces a burst of changes into one build, 150 ms after the last', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    for (let i = 0; i < 6; i++) {
      fs.write(`${ROOT}/media/a.wav`, `AAAA${i}`); // a DAW writing in bursts, 100 ms apart
      await clock.advance(100);
    }
    fs.write(PROJECT, projectJson(-1));
    await clock.advance(DEBOUNCE_MS - 1);
    expect(runs()).toHaveLength(1);
    await clock.advance(SETTLE);
    expect(runs()).toHaveLength(2);
    expect(runs()[1].trigger).toBe('2 files changed (media/a.wav, project.json)');
    expect(runs()[1].rendered).toEqual(['bus:main', 'clip:a1', 'deliverable:mix.wav', 'master', 'source:a']);
    await loop.close();
  });

  it('editor saves by temp file + rename count once; temp files and unrelated files never trigger', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    // write-to-temp then rename over (VS Code, most "atomic save" editors)
    fs.write(`${ROOT}/.project.json.tmp-123`, projectJson(-9));
    fs.rename(`${ROOT}/.project.json.tmp-123`, PROJECT);
    await clock.advance(SETTLE);
    // vim with backupcopy=no: move the original away, write a new file, delete the backup
    fs.rename(PROJECT, `${ROOT}/project.json~`);
    fs.write(PROJECT, projectJson(-12));
    fs.rm(`${ROOT}/project.json~`);
    await clock.advance(SETTLE);
    // outputs, notes and a new file in a watched folder
    fs.write(`${ROOT}/out/mix.wav`, 'x');
    fs.write(`${ROOT}/notes.txt`, 'x');
    fs.write(`${ROOT}/media/c.wav`, 'x');
    await clock.advance(SETTLE);
    expect(runs().map((r) => [r.trigger, r.rendered.length])).toEqual([
      ['initial build', 7],
      ['project.json changed', 4],
      ['project.json changed', 4],
    ]);
    await loop.close();
  });

  it('a save without a change, or a change undone within the debounce, builds nothing', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    fs.write(PROJECT, projectJson()); // same bytes, new mtime
    await clock.advance(SETTLE);
    fs.write(PROJECT, projectJson(0));
    await clock.advance(50);
    fs.write(PROJECT, projectJson());
    await clock.advance(SETTLE);
    expect(runs()).toHaveLength(1);
    await loop.close();
  });

  it('delete and restore: the delete fails to compile, the restore builds from the cache', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    fs.rm(`${ROOT}/media/a.wav`);
    await clock.advance(SETTLE);
    expect(runs()[1]).toMatchObject({ trigger: 'media/a.wav removed', compiled: false, diagnostics: ['PA301'], built: false });
    expect(fs.watchedDirs).toContain(`${ROOT}/media`); // still watched by name
    fs.write(`${ROOT}/media/a.wav`, 'AAAA');
    await clock.advance(SETTLE);
    expect(runs()[2]).toMatchObject({ trigger: 'media/a.wav added', compiled: true, ok: true, rendered: [], cached: 7 });
    await loop.close();
  });

  it('a source delivered later, into a folder that does not exist yet, triggers the build', async () => {
    const { clock, fs, loop, runs } = setup({ files: { 'project.json': projectJson(-6, { sources: { a: 'media/a.wav', b: 'sfx/day2/b.wav' } }), 'media/a.wav': 'AAAA' } });
    loop.start();
    await clock.advance(SETTLE);
    expect(runs()[0]).toMatchObject({ compiled: false, diagnostics: ['PA301'] });
    expect(fs.watchedDirs).toEqual([ROOT, `${ROOT}/media`]); // sfx/day2 → nearest existing folder: the project folder
    fs.mkdir(`${ROOT}/sfx`);
    await clock.advance(SETTLE);
    expect(fs.watchedDirs).toEqual([ROOT, `${ROOT}/media`, `${ROOT}/sfx`]);
    expect(runs()).toHaveLength(1); // a folder is not a reason to build
    // the folder and the file land together, faster than the watcher can follow
    fs.write(`${ROOT}/sfx/day2/b.wav`, 'BBBB');
    await clock.advance(SETTLE);
    expect(runs()).toHaveLength(2);
    expect(runs()[1]).toMatchObject({ trigger: 'sfx/day2/b.wav added', compiled: true, ok: true, rendered: ALL });
    expect(fs.watchedDirs).toEqual([ROOT, `${ROOT}/media`, `${ROOT}/sfx/day2`]);
    await loop.close();
  });

  it('a change during a build cancels it at the next node boundary, then builds once more', async () => {
    const { clock, fs, loop, runs, events, steps } = setup({ renderMs: 100 });
    loop.start();
    await clock.advance(250); // first build (no debounce): sources done, clip:a1 rendering
    fs.write(PROJECT, projectJson(-3));
    await clock.advance(5000);
    const r = runs();
    expect(r).toHaveLength(2);
    expect(r[0]).toMatchObject({ built: true, cancelled: 'project.json changed', rendered: ['clip:a1', 'source:a', 'source:b'] });
    expect(r[0].ok).toBeUndefined();
    // the node in flight finished; what finished is reused; clip:a1 changed, so it renders again
    expect(r[1]).toMatchObject({ trigger: 'project.json changed', ok: true, rendered: ['bus:main', 'clip:a1', 'clip:b1', 'deliverable:mix.wav', 'master'], cached: 2 });
    expect(steps.maxConcurrent).toBe(1);
    assertOneBuildAtATime(events);
    await loop.close();
  });

  it('a change during the compile skips that build and builds the newer state', async () => {
    const { clock, fs, loop, runs, steps } = setup({ compileMs: 100 });
    loop.start();
    await clock.advance(SETTLE);
    fs.write(PROJECT, projectJson(-3));
    await clock.advance(DEBOUNCE_MS + 50); // compiling
    fs.write(PROJECT, projectJson(-4));
    await clock.advance(SETTLE);
    expect(runs().slice(1)).toEqual([
      expect.objectContaining({ compiled: true, built: false, cancelled: 'project.json changed' }),
      expect.objectContaining({ compiled: true, built: true, ok: true, rendered: ['bus:main', 'clip:a1', 'deliverable:mix.wav', 'master'] }),
    ]);
    expect(steps.compiles).toBe(3);
    await loop.close();
  });

  it('errors never end watching: broken JSON, then fixed', async () => {
    const { clock, fs, loop, runs, events } = setup();
    loop.start();
    await clock.advance(SETTLE);
    fs.write(PROJECT, '{ "title": "Lighthouse", ');
    await clock.advance(SETTLE);
    expect(runs()[1]).toMatchObject({ compiled: false, diagnostics: ['PA101'], built: false });
    const done = events.filter((e) => e.type === 'compile-done').at(-1)!;
    expect(done.type === 'compile-done' && done.texts['project.json']).toContain('"title"'); // for the code frame
    expect(fs.watchedDirs).toEqual([ROOT]); // the sources are unknown while the project does not parse
    fs.write(PROJECT, projectJson(-6));
    await clock.advance(SETTLE);
    expect(runs()[2]).toMatchObject({ compiled: true, ok: true, rendered: [] });
    expect(fs.watchedDirs).toEqual([ROOT, `${ROOT}/media`]);
    await loop.close();
  });

  it('recomputes the watched set after every compile: a new include is watched', async () => {
    const { clock, fs, loop, runs } = setup();
    loop.start();
    await clock.advance(SETTLE);
    fs.write(`${ROOT}/reels/r1.json`, JSON.stringify({ clips: [{ id: 'r1', source: 'a', gain: -20 }] }));
    await clock.advance(SETTLE);
    expect(runs()).toHaveLength(1); // not referenced yet
    fs.write(PROJECT, projectJson(-6, { include: ['reels/r1.json'] }));
    await clock.advance(SETTLE);
    expect(loop.watched.files).toContain(`${ROOT}/reels/r1.json`);
    fs.write(`${ROOT}/reels/r1.json`, JSON.stringify({ clips: [{ id: 'r1', source: 'a', gain: -10 }] }));
    await clock.advance(SETTLE);
    expect(runs().map((r) => r.rendered)).toEqual([ALL, ['bus:main', 'clip:r1', 'deliverable:mix.wav', 'master'], ['bus:main', 'clip:r1', 'deliverable:mix.wav', 'master']]);
    await loop.close();
  });

  it('rebuild on demand and clear cache run between builds, never during one', async () => {
    const { clock, loop, runs, events, steps } = setup({ renderMs: 100 });
    loop.start();
    await clock.advance(SETTLE);
    loop.rebuild();
    await clock.advance(SETTLE);
    expect(runs()[1]).toMatchObject({ trigger: 'rebuild requested', rendered: [], cached: 7 });
    loop.clearCache();
    await clock.advance(150); // mid-build
    loop.clearCache(); // pressed again: cancels, clears once more, builds once
    await clock.advance(SETTLE * 2);
    const r = runs();
    expect(r.slice(2).map((x) => [x.trigger, x.cancelled !== undefined, x.rendered.length])).toEqual([
      ['cache cleared', true, 2],
      ['cache cleared', false, 7],
    ]);
    expect(events.filter((e) => e.type === 'cache-cleared')).toHaveLength(2);
    expect(steps.maxConcurrent).toBe(1);
    assertOneBuildAtATime(events);
    await loop.close();
  });

  it('close cancels the running build and stops watching', async () => {
    const { clock, fs, loop, runs, events } = setup({ renderMs: 100 });
    loop.start();
    await clock.advance(DEBOUNCE_MS + 150);
    const closed = loop.close();
    await clock.advance(SETTLE);
    await closed;
    expect(runs()[0].cancelled).toBe('stopping');
    expect(fs.watchedDirs).toEqual([]);
    fs.write(PROJECT, projectJson(-1));
    await clock.advance(SETTLE);
    expect(runs()).toHaveLength(1);
    assertOneBuildAtATime(events);
  });
});
