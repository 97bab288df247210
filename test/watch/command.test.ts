/**
 * The watch command without a terminal (what CI and `--reporter plain|json` get): the same loop
 * and builds, reported as lines; stopped through its AbortSignal. Plus the small pure pieces.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineReporter, watchCommand } from '../../src/cli/commands/watch.ts';
import { compile } from '../../src/compiler/index.ts';
import { projectInfo } from '../../src/watch/project-steps.ts';
import type { Io } from '../../src/cli/context.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { createFeed } from '../../src/watch/feed.ts';
import { describeChanges, watchSet } from '../../src/watch/watch-set.ts';
import { tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

function capture(cwd: string): Io & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return { out: (s) => lines.out.push(s), err: (s) => lines.err.push(s), cwd, colors: PLAIN, lines };
}

async function waitFor(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const YAML = (gain: string) => `postaudio: 1
project: { title: Plain watch, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00" }
sources:
  tone: media/tone.wav
buses:
  DX: { stem: dialogue }
dialogue:
  - { id: a, source: tone, at: "10:00:00:00", bus: DX, gain: ${gain} }
master: { layout: mono, file: mix.wav, bits: 32f }
`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('watch command without a terminal', () => {
  it('plain lines: builds, reports a broken YAML with its code frame, builds again, stops on abort', async () => {
    const dir = tmpDir('pa-watch-cmd-');
    dirs.push(dir);
    writeFiles(dir, { 'postaudio.yaml': YAML('-6 dB') });
    writeWav(path.join(dir, 'media/tone.wav'), { frames: 12000 }, (i) => 0.1 * Math.sin(i / 7));
    const io = capture(dir);
    const stop = new AbortController();
    const running = watchCommand(io, dir, { jobs: '1' }, stop.signal);
    const dones = () => io.lines.out.filter((l) => l.startsWith('done:')).length;
    await waitFor('the first build', () => dones() === 1);
    expect(io.lines.out[0]).toMatch(/^build Plain watch: \d+ nodes, 1 job \(initial build\)$/);

    writeFiles(dir, { 'postaudio.yaml': YAML('-6 dB').replace('gain: -6 dB }', 'gain: -6 dB') });
    await waitFor('the diagnostics', () => io.lines.err.some((l) => l.startsWith('1 error: not built')));
    const frame = io.lines.err.find((l) => l.includes('error PA101'))!;
    expect(frame).toMatch(/^postaudio\.yaml:\d+:\d+: error PA101: YAML syntax/);
    expect(frame).toContain('| ');

    writeFiles(dir, { 'postaudio.yaml': YAML('-2 dB') });
    await waitFor('the rebuild', () => dones() === 2);
    expect(io.lines.out).toContain('— postaudio.yaml changed');
    stop.abort();
    expect(await running).toBe(0);
  });
});

describe('header facts', () => {
  it('the example film: title, layout, targets, and the picture lock with its hash (also watched)', async () => {
    const file = path.resolve(import.meta.dirname, '../../examples/film-project/postaudio.yaml');
    const result = await compile(file);
    const info = projectInfo(result)!;
    expect(info).toMatchObject({ title: 'Lighthouse', layout: '5.1', pictureLock: { file: 'picture/lock-v1.edl' } });
    expect(info.target).toContain('streaming');
    expect(info.pictureLock!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.inputs).toContain(path.join(path.dirname(file), 'picture/lock-v1.edl'));
  });
});

describe('line reporter', () => {
  it('json: a compile that fails gives diagnostic events and a failed summary; loop events pass through', () => {
    const io = capture('/film');
    const report = lineReporter(io, 'json');
    report({ type: 'watch-trigger', run: 2, trigger: 'postaudio.yaml changed', paths: ['postaudio.yaml'] });
    report({ type: 'compile-done', run: 2, ok: false, diagnostics: [{ code: 'PA101', severity: 'error', message: 'YAML syntax' }], texts: {}, watching: { files: 1, dirs: 1 }, seconds: 0 });
    report({ type: 'node-progress', id: 'x', fraction: 0.5 });
    expect(io.lines.out.map((l) => JSON.parse(l).type)).toEqual(['watch-trigger', 'diagnostic', 'summary']);
    expect(JSON.parse(io.lines.out[2])).toMatchObject({ ok: false });
    expect(io.lines.err).toEqual([]);
  });
});

describe('watch set', () => {
  it('watches each input folder, or its nearest existing ancestor', () => {
    const existing = new Set(['/', '/film', '/film/media']);
    const s = watchSet(['/film/postaudio.yaml', '/film/media/a.wav', '/film/sfx/day2/b.wav'], (p) => existing.has(p));
    expect(s.dirs).toEqual(['/film', '/film/media']);
    expect([...s.ancestors].sort()).toEqual(['/film', '/film/media', '/film/sfx', '/film/sfx/day2']);
  });

  it('describes changes relative to the project', () => {
    expect(describeChanges(new Map([['/film/a.wav', 'added' as const]]), '/film')).toBe('a.wav added');
    const many = new Map((['d', 'c', 'b', 'a'] as const).map((n) => [`/film/${n}.wav`, 'changed' as const]));
    expect(describeChanges(many, '/film')).toBe('4 files changed (a.wav, b.wav, c.wav, …)');
  });

  it('the feed hands events emitted before the UI subscribed to its first subscriber', () => {
    const feed = createFeed<number>();
    feed.emit(1);
    feed.emit(2);
    const got: number[] = [];
    const off = feed.subscribe((n) => got.push(n));
    feed.emit(3);
    off();
    feed.emit(4);
    expect(got).toEqual([1, 2, 3]);
  });
});
