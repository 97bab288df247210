/** The reducer: events (+ the time they arrived) → view state. Pure, batched, cheap at 5,000 nodes. */
import { describe, expect, it } from 'vitest';
import { buildFraction, cacheHitRate, elapsedSeconds, estimateSeconds, initialViewState, reduce, reduceAll, type ViewState } from '../../src/ui/view-state.ts';
import { bigBuild, brokenRun, failingRun, MID, smallBuild, timed } from './streams.ts';

const fold = (events = smallBuild(), step = 100) => reduceAll(initialViewState(), timed(events, step));

describe('view state', () => {
  it('groups nodes by stage in pipeline order, other kinds after', () => {
    const s = fold();
    expect(s.stages.map((st) => st.kind)).toEqual(['source', 'clip', 'bus', 'master', 'deliverable', 'qc']);
    expect(s.stages[1].ids).toEqual(['clip:a', 'clip:b']);
  });

  it('tracks each node and the counts through a build', () => {
    const mid = fold(smallBuild().slice(0, MID));
    expect(mid.phase).toBe('building');
    expect(mid.nodes.get('clip:a')).toMatchObject({ state: 'rendering', progress: 0.5, startedAt: 500 });
    expect(mid.nodes.get('source:dc')?.state).toBe('cached');
    expect(mid.nodes.get('clip:b')).toMatchObject({ state: 'done', seconds: 0.2 });
    expect(mid.nodes.get('bus:DX')?.state).toBe('queued');
    expect(mid.totals).toEqual({ queued: 4, rendering: 1, cached: 2, done: 1, failed: 0 } as ViewState['totals']);
    expect(mid.stages[1].counts).toMatchObject({ rendering: 1, done: 1 });
    expect(mid.active).toEqual(['clip:a']);
    expect(cacheHitRate(mid)).toBeCloseTo(2 / 3);
    // 3.5 of 8 nodes (clip:a half done) after 0.7 s of build (build-start at 200 ms, now 900 ms)
    expect(buildFraction(mid)).toBeCloseTo(3.5 / 8);
    expect(elapsedSeconds(mid)).toBeCloseTo(0.7);
    expect(estimateSeconds(mid)).toBeCloseTo((0.7 * (1 - 3.5 / 8)) / (3.5 / 8));

    const end = fold();
    expect(end.phase).toBe('done');
    expect(end.totals).toEqual({ queued: 0, rendering: 0, cached: 2, done: 6, failed: 0 });
    expect(end.active).toEqual([]);
    expect(end.last).toMatchObject({ run: 1, trigger: 'initial build', ok: true, seconds: 3.2, rendered: 6, cached: 2 });
    expect(end.outputs).toHaveLength(1);
    expect(end.project).toMatchObject({ layout: '5.1', target: 'streaming' });
    expect(end.title).toBe('Lighthouse');
    expect(end.watching).toEqual({ files: 4, dirs: 2 });
    expect(estimateSeconds(end)).toBeUndefined();
  });

  it('keeps the last build while a broken project is reported, then shows a failed node', () => {
    const broken = fold([...smallBuild(), ...brokenRun()]);
    expect(broken.phase).toBe('compile-failed');
    expect(broken.run).toBe(2);
    expect(broken.diagnostics.map((d) => d.code)).toEqual(['PA402', 'PA203']);
    expect(broken.texts['postaudio.yaml']).toContain('bus: DX');
    expect(broken.last).toMatchObject({ run: 2, ok: false, trigger: 'postaudio.yaml changed' });
    expect(broken.totals.done).toBe(6); // the graph of the last build is still there

    const failed = fold([...smallBuild(), ...brokenRun(), ...failingRun()]);
    expect(failed.phase).toBe('failed');
    expect(failed.failed).toEqual(['source:ramp']);
    expect(failed.nodes.get('source:ramp')).toMatchObject({ state: 'failed', error: { code: 'PA301', origin: { file: 'postaudio.yaml', line: 4 } } });
    expect(failed.diagnostics).toEqual([]);
  });

  it('inline nodes (computed by their readers) are neither cache hits nor misses', () => {
    const s = fold([
      { type: 'build-start', title: 'T', nodes: [{ id: 'source:a', kind: 'source' }, { id: 'clip:a', kind: 'clip' }, { id: 'master', kind: 'master' }, { id: 'deliverable:x', kind: 'deliverable' }], jobs: 1 },
      { type: 'node-start', id: 'source:a', kind: 'source', reason: 'new', inline: true },
      { type: 'node-done', id: 'source:a', kind: 'source', cached: false, seconds: 0, inline: true },
      { type: 'node-start', id: 'clip:a', kind: 'clip', reason: 'new', inline: true },
      { type: 'node-done', id: 'clip:a', kind: 'clip', cached: false, seconds: 0, inline: true },
      { type: 'node-done', id: 'master', kind: 'master', cached: true, seconds: 0 },
      { type: 'node-start', id: 'deliverable:x', kind: 'deliverable', reason: 'new' },
      { type: 'node-done', id: 'deliverable:x', kind: 'deliverable', cached: false, seconds: 1 },
    ]);
    expect(s.nodes.get('clip:a')).toMatchObject({ state: 'done', inline: true });
    expect(s.totals.done).toBe(3);
    expect(s.inlineDone).toBe(2);
    expect(cacheHitRate(s)).toBe(0.5);
  });

  it('is pure: a state is never changed by reducing from it', () => {
    const a = fold(smallBuild().slice(0, MID));
    const snapshot = { totals: { ...a.totals }, stages: a.stages.map((s) => ({ ...s, ids: [...s.ids], counts: { ...s.counts } })), active: [...a.active], clipA: { ...a.nodes.get('clip:a')! } };
    const b = reduceAll(a, timed(smallBuild().slice(MID), 100, 2000));
    expect(b.phase).toBe('done');
    expect(a.totals).toEqual(snapshot.totals);
    expect(a.stages).toEqual(snapshot.stages);
    expect(a.active).toEqual(snapshot.active);
    expect(a.nodes.get('clip:a')).toEqual(snapshot.clipA);
    expect(a.phase).toBe('building');
  });

  it('one batch gives the same state as one event at a time', () => {
    const events = timed([...smallBuild(), ...brokenRun(), ...failingRun()]);
    const batched = reduceAll(initialViewState(), events);
    const single = events.reduce((s, e) => reduce(s, e.event, e.at), initialViewState());
    expect(batched).toEqual(single);
  });

  it('only ticks move time; unknown events are ignored', () => {
    const s = fold();
    const later = reduce(s, { type: 'tick' }, 60_000);
    expect(later.now).toBe(60_000);
    expect(later.nodes).toBe(s.nodes); // nothing copied for a tick
    const same = reduce(later, { type: 'from-the-future' } as never, 60_000);
    expect(same.phase).toBe('done');
  });

  it('folds a 5,000-node build in batches quickly', () => {
    const events = bigBuild();
    const t0 = performance.now();
    let s = initialViewState();
    for (let i = 0; i < events.length; i += 250) s = reduceAll(s, events.slice(i, i + 250));
    const ms = performance.now() - t0;
    expect(s.nodes.size).toBe(5000);
    expect(s.totals).toEqual({ queued: 5000 - 1200 - 2016, rendering: 16, cached: 1200, done: 1997, failed: 3 });
    expect(s.stages.find((st) => st.kind === 'clip')!.counts).toEqual({ queued: 984, rendering: 16, cached: 0, done: 1997, failed: 3 });
    expect(s.active[0]).toBe('clip:0000');
    expect(ms).toBeLessThan(1000);
  });
});
