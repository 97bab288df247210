/**
 * The Ink UI on recorded event streams (ink-testing-library's recording stdout): what the frames
 * show at each point of a build, the aggregate mode on 5,000 nodes, the bounded redraw rate,
 * and the keys.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/App.tsx';
import { BuildScreen, type BuildScreenProps } from '../../src/ui/BuildScreen.tsx';
import { ANSI, PLAIN } from '../../src/ui/format-diagnostic.ts';
import { initialViewState, reduceAll, type TimedEvent, type ViewEvent } from '../../src/ui/view-state.ts';
import { createFeed } from '../../src/watch/feed.ts';
import { FakeClock, settle } from '../watch/fake-clock.ts';
import { bigBuild, brokenRun, failingRun, MID, smallBuild, timed } from './streams.ts';

// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const mounted: { unmount(): void }[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
});

function frameOf(events: TimedEvent[], props: Partial<BuildScreenProps> = {}): string {
  const state = reduceAll(initialViewState(), events);
  const r = render(<BuildScreen state={state} colors={PLAIN} cwd="/film" {...props} />);
  mounted.push(r);
  return r.lastFrame() ?? '';
}

const lines = (frame: string) => frame.split('\n');
const line = (frame: string, start: string) => lines(frame).find((l) => l.trimStart().startsWith(start)) ?? '';

describe('build screen on recorded streams', () => {
  it('mid-build: header, stages with counts, the long node with its progress bar, an estimate', () => {
    const f = frameOf(timed(smallBuild().slice(0, MID), 500));
    expect(lines(f)[0]).toBe('postaudio · Lighthouse   5.1 · streaming');
    expect(lines(f)[1]).toMatch(/^build 1 · building \(initial build\) · 3\/8 nodes \(43%\) · 3\.5 s · ~4\.5 s left$/);
    expect(line(f, 'source ')).toMatch(/2\/2 {2}2 cached$/);
    expect(line(f, 'clip ')).toMatch(/1\/2 {2}1 rendering · 1 rendered$/);
    expect(line(f, '▸ clip:a')).toMatch(/██████████░{10} {2}50% 2\.0 s · new$/);
    expect(line(f, '✓ clip:b')).toMatch(/rendered 0\.2 s$/);
    expect(line(f, '· bus:DX')).toMatch(/queued$/);
    expect(line(f, 'qc ')).toMatch(/0\/1 {2}1 queued$/); // a kind the UI does not know still gets a stage
    expect(f).toContain('▸ 1 warning (w to show)');
    expect(f).toContain('cache 67% hit · 1 build · watching 4 files');
  });

  it('finished: outputs, summary, footer with the last build and its trigger', () => {
    const f = frameOf(timed(smallBuild()));
    expect(lines(f)[1]).toBe('build 1 · done (initial build) · 8/8 nodes');
    expect(f).toContain('wrote out/mix.wav 1.2 MB sha256 abababababab');
    expect(f).toContain('done: 6 rendered, 2 cached, 0 failed in 3.20 s');
    expect(f).toContain('last build ok in 3.2 s, just now (initial build) · cache 25% hit · 1 build');
  });

  it('inline nodes are marked as computed inline', () => {
    const f = frameOf(
      timed([
        { type: 'build-start', title: 'T', nodes: [{ id: 'clip:a', kind: 'clip' }], jobs: 1 },
        { type: 'node-start', id: 'clip:a', kind: 'clip', reason: 'new', inline: true },
        { type: 'node-done', id: 'clip:a', kind: 'clip', cached: false, seconds: 0, inline: true },
      ]),
    );
    expect(line(f, '✓ clip:a')).toMatch(/computed inline$/);
  });

  it('QC results are shown as the summary carries them', () => {
    const qc = { loudness: { integrated: '-27.1 LUFS', truePeak: '-2.3 dBTP' }, passed: true };
    const events = smallBuild().map((e) => (e.type === 'summary' ? ({ ...e, qc } as ViewEvent) : e));
    const f = frameOf(timed(events));
    expect(f).toContain('qc.loudness: {"integrated":"-27.1 LUFS","truePeak":"-2.3 dBTP"}');
    expect(f).toContain('qc.passed: true');
  });

  it('a broken project: the code frame, in colour, and the last good build left alone', () => {
    const events = timed([...smallBuild(), ...brokenRun()]);
    const plain = frameOf(events);
    expect(lines(plain)[1]).toBe('build 2 · project has errors (postaudio.yaml changed)');
    expect(plain).toContain(
      [
        "postaudio.yaml:6:52: error PA203: unknown bus 'DY'",
        '6 |   - { id: a, source: ramp, at: "10:00:00:00", bus: DX, gain: -6 dB }',
        '  |                                                    ^^',
        'hint: did you mean DX?',
      ].join('\n'),
    );
    expect(plain).toContain('not built: the last good deliverables are untouched');
    expect(plain).not.toContain('source '); // no graph for a project that does not compile
    const coloured = frameOf(events, { colors: ANSI });
    expect(coloured).toContain('\u001b[31m\u001b[1merror PA203\u001b[22m\u001b[39m'); // formatDiagnostic's colours
    expect(coloured).toContain('\u001b[31m^^\u001b[39m');
    expect(strip(coloured)).toContain("postaudio.yaml:6:52: error PA203: unknown bus 'DY'");
  });

  it('a failed node: marked in its stage and reported with its origin', () => {
    const f = frameOf(timed([...smallBuild(), ...brokenRun(), ...failingRun()]), { showAll: false });
    expect(lines(f)[1]).toBe('build 3 · failed (media/ramp.wav changed) · 1/8 nodes');
    expect(line(f, 'source ')).toMatch(/1\/2 {2}1 failed · 1 queued$/);
    expect(line(f, '✗ source:ramp')).toContain('PA301 media/ramp.wav: truncated data chunk');
    expect(f).toContain('postaudio.yaml:4: error PA301: source:ramp: media/ramp.wav: truncated data chunk');
    expect(f).toContain('failed: 0 rendered, 1 cached, 1 failed in 0.40 s');
    expect(f).not.toContain('warning'); // run 3 compiled clean
  });

  it('5,000 nodes: aggregated per stage, the slowest active nodes first, bounded height, fast', () => {
    const events = bigBuild();
    const t0 = performance.now();
    const f = frameOf(events, { showAll: false, maxRows: 20 });
    const ms = performance.now() - t0;
    expect(lines(f)[1]).toMatch(/· 3,200\/5,000 nodes \(64%\) · 10\.0 s · ~5\.\d s left$/);
    expect(line(f, 'source ')).toMatch(/1200\/1200 {2}1,200 cached$/);
    expect(line(f, 'clip ')).toMatch(/2000\/3000 {2}16 rendering · 1,997 rendered · 3 failed · 984 queued$/);
    const rows = lines(f).filter((l) => /^ {2}[▸✗○✓·] /.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/)[1])).toEqual(['clip:0000', 'clip:0001', 'clip:0002', 'clip:2013', 'clip:2014', 'clip:2015']);
    expect(line(f, '▸ clip:0000')).toMatch(/40% 8\.8 s/); // the slowest, with its progress
    expect(f).toContain('… 13 more active or failed');
    expect(lines(f).length).toBeLessThan(30);
    expect(ms).toBeLessThan(2000);

    const all = frameOf(events, { showAll: true, maxRows: 20 });
    expect(all).toContain('… 1,192 more nodes');
    expect(lines(all).filter((l) => /^ {2}[▸✗○✓·] /.test(l))).toHaveLength(20); // the row budget
  });
});

function mount(opts: { fps?: number; aggregateAbove?: number } = {}) {
  const clock = new FakeClock();
  const feed = createFeed<ViewEvent>();
  const actions = { quit: vi.fn(), rebuild: vi.fn(), clearCache: vi.fn() };
  const r = render(<App feed={feed} actions={actions} clock={clock} colors={PLAIN} cwd="/film" maxRows={30} {...opts} />);
  mounted.push(r);
  const press = async (key: string) => {
    r.stdin.write(key);
    await settle();
  };
  return { clock, feed, actions, r, press, frame: () => r.lastFrame() ?? '' };
}

describe('the app', () => {
  it('redraws at a bounded rate: a burst of events becomes one frame', async () => {
    const { clock, feed, r, frame } = mount();
    await clock.advance(0);
    const events = smallBuild();
    for (const e of events.slice(0, 3)) feed.emit(e);
    await clock.advance(0);
    expect(frame()).toContain('build 1 · building');
    const before = r.frames.length;
    for (const e of events.slice(3)) feed.emit(e); // 19 events at once
    await clock.advance(50);
    expect(r.frames.length).toBe(before); // within 100 ms of the last frame: nothing drawn
    await clock.advance(60);
    expect(r.frames.length).toBe(before + 1);
    expect(frame()).toContain('build 1 · done (initial build) · 8/8 nodes');
  });

  it('v toggles all nodes and only active or failed ones', async () => {
    const { clock, feed, frame, press } = mount();
    for (const e of smallBuild().slice(0, MID)) feed.emit(e);
    await clock.advance(200);
    expect(frame()).toContain('○ source:dc');
    expect(frame()).toContain('v only active');
    await press('v');
    expect(frame()).not.toContain('source:dc');
    expect(frame()).toContain('▸ clip:a');
    expect(frame()).toContain('v all nodes');
    await press('v');
    expect(frame()).toContain('○ source:dc');
  });

  it('c asks first; only y clears the cache', async () => {
    const { clock, feed, actions, frame, press } = mount();
    for (const e of smallBuild()) feed.emit(e);
    await clock.advance(200);
    await press('c');
    expect(frame()).toContain('Clear the cache? Every node will render again. (y/n)');
    expect(actions.clearCache).not.toHaveBeenCalled();
    await press('n');
    expect(frame()).not.toContain('Clear the cache?');
    expect(frame()).toContain('c clear cache');
    expect(actions.clearCache).not.toHaveBeenCalled();
    await press('c');
    await press('q'); // any other key is a no, and does not quit
    expect(actions.quit).not.toHaveBeenCalled();
    expect(actions.clearCache).not.toHaveBeenCalled();
    await press('c');
    await press('y');
    expect(actions.clearCache).toHaveBeenCalledTimes(1);
    expect(frame()).not.toContain('Clear the cache?');
  });

  it('r rebuilds, q quits, w opens the warnings', async () => {
    const { clock, feed, actions, frame, press } = mount();
    for (const e of smallBuild()) feed.emit(e);
    await clock.advance(200);
    await press('w');
    expect(frame()).toContain('▾ 1 warning (w to hide)');
    expect(frame()).toContain('postaudio.yaml:3:1: warning PA402: license harbour expires before the release');
    await press('r');
    expect(actions.rebuild).toHaveBeenCalledTimes(1);
    await press('q');
    expect(actions.quit).toHaveBeenCalledTimes(1);
  });

  it('clock ticks move the elapsed time while building, and "ago" after', async () => {
    const { clock, feed, frame } = mount();
    for (const e of smallBuild().slice(0, MID)) feed.emit(e);
    await clock.advance(0);
    expect(lines(frame())[1]).toContain('· 0.0 s');
    await clock.advance(2000);
    expect(lines(frame())[1]).toMatch(/· 2\.0 s/);
    for (const e of smallBuild().slice(MID)) feed.emit(e);
    await clock.advance(100);
    await clock.advance(30_000);
    expect(frame()).toContain('last build ok in 3.2 s, 30 s ago (initial build)');
  });
});
