/**
 * Event streams for UI tests, written out as the engine and the watch loop emit them
 * (a small film build with a warning, a failure, progress on a long node; and a 5,000-node one).
 */
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import type { EngineEvent } from '../../src/engine/events.ts';
import type { NodeKind } from '../../src/plan.ts';
import type { TimedEvent, ViewEvent } from '../../src/ui/view-state.ts';

export const YAML = `postaudio: 1
project: { title: Lighthouse }
sources:
  ramp: media/ramp.wav
dialogue:
  - { id: a, source: ramp, at: "10:00:00:00", bus: DX, gain: -6 dB }
`;

export const WARNING: Diagnostic = { code: 'PA402', severity: 'warning', message: 'license harbour expires before the release', file: 'postaudio.yaml', line: 3, col: 1, range: [44, 51] };
export const ERROR: Diagnostic = {
  code: 'PA203',
  severity: 'error',
  message: "unknown bus 'DY'",
  file: 'postaudio.yaml',
  line: 6,
  col: 52,
  range: [137, 139],
  hint: 'did you mean DX?',
};

const kind = (k: string) => k as NodeKind;

export const NODES: { id: string; kind: NodeKind }[] = [
  { id: 'source:ramp', kind: 'source' },
  { id: 'source:dc', kind: 'source' },
  { id: 'clip:a', kind: 'clip' },
  { id: 'clip:b', kind: 'clip' },
  { id: 'bus:DX', kind: 'bus' },
  { id: 'master', kind: 'master' },
  { id: 'deliverable:mix.wav', kind: 'deliverable' },
  { id: 'qc:mix.wav', kind: kind('qc') },
];

/** Run 1 of a watch session: compiled with a warning, built, one node long enough to show progress. */
export function smallBuild(): ViewEvent[] {
  const start = (id: string, k: string): EngineEvent => ({ type: 'node-start', id, kind: kind(k), reason: 'new' });
  const done = (id: string, k: string, cached = false, seconds = 0.2): EngineEvent => ({ type: 'node-done', id, kind: kind(k), cached, seconds });
  return [
    { type: 'watch-trigger', run: 1, trigger: 'initial build', paths: [] },
    {
      type: 'compile-done',
      run: 1,
      ok: true,
      diagnostics: [WARNING],
      texts: { 'postaudio.yaml': YAML },
      project: { title: 'Lighthouse', layout: '5.1', target: 'streaming' },
      watching: { files: 4, dirs: 2 },
      seconds: 0.1,
    },
    { type: 'build-start', title: 'Lighthouse', nodes: NODES, jobs: 4, trigger: 'initial build' },
    done('source:ramp', 'source', true, 0),
    done('source:dc', 'source', true, 0),
    start('clip:a', 'clip'),
    start('clip:b', 'clip'),
    done('clip:b', 'clip'),
    { type: 'node-progress', id: 'clip:a', fraction: 0.25 },
    { type: 'node-progress', id: 'clip:a', fraction: 0.5 },
    // ← MID: clip:a rendering at 50 %
    done('clip:a', 'clip', false, 2.5),
    start('bus:DX', 'bus'),
    done('bus:DX', 'bus'),
    start('master', 'master'),
    done('master', 'master'),
    start('deliverable:mix.wav', 'deliverable'),
    done('deliverable:mix.wav', 'deliverable'),
    start('qc:mix.wav', 'qc'),
    done('qc:mix.wav', 'qc'),
    { type: 'output', output: { path: '/film/out/mix.wav', sha256: 'ab'.repeat(32), bytes: 1_234_567 }, changed: true },
    { type: 'summary', ok: true, rendered: 6, cached: 2, failed: 0, outputs: [{ path: '/film/out/mix.wav', sha256: 'ab'.repeat(32), bytes: 1_234_567 }], seconds: 3.2 },
  ];
}

/** Index just after the second progress event of `smallBuild()`. */
export const MID = 10;

/** Run 2: the YAML was broken. */
export function brokenRun(): ViewEvent[] {
  return [
    { type: 'watch-trigger', run: 2, trigger: 'postaudio.yaml changed', paths: ['postaudio.yaml'] },
    { type: 'compile-done', run: 2, ok: false, diagnostics: [WARNING, ERROR], texts: { 'postaudio.yaml': YAML }, watching: { files: 4, dirs: 2 }, seconds: 0.05 },
  ];
}

/** Run 3: a node fails. */
export function failingRun(): ViewEvent[] {
  return [
    { type: 'watch-trigger', run: 3, trigger: 'media/ramp.wav changed', paths: ['media/ramp.wav'] },
    { type: 'compile-done', run: 3, ok: true, diagnostics: [], texts: {}, watching: { files: 4, dirs: 2 }, seconds: 0.05 },
    { type: 'build-start', title: 'Lighthouse', nodes: NODES, jobs: 4, trigger: 'media/ramp.wav changed' },
    { type: 'node-start', id: 'source:ramp', kind: 'source', reason: 'content of media/ramp.wav changed' },
    { type: 'node-failed', id: 'source:ramp', kind: 'source', code: 'PA301', message: 'media/ramp.wav: truncated data chunk', origin: { file: 'postaudio.yaml', line: 4 } },
    { type: 'summary', ok: false, rendered: 0, cached: 1, failed: 1, outputs: [], seconds: 0.4 },
  ];
}

/** Stamps events `step` ms apart from `t0`. */
export function timed(events: ViewEvent[], step = 100, t0 = 0): TimedEvent[] {
  return events.map((event, i) => ({ event, at: t0 + i * step }));
}

export const BIG_STAGES: [NodeKind, number][] = [
  ['source', 1200],
  ['clip', 3000],
  ['bus', 600],
  ['master', 100],
  ['deliverable', 100],
];

/**
 * A 5,000-node build caught mid-way: sources cached, 2,000 clips rendered, 16 clips rendering
 * (clip:0000 the longest), 3 failed, the rest queued.
 */
export function bigBuild(): TimedEvent[] {
  const nodes = BIG_STAGES.flatMap(([k, n]) => Array.from({ length: n }, (_, i) => ({ id: `${k}:${String(i).padStart(4, '0')}`, kind: k })));
  const out: TimedEvent[] = [{ event: { type: 'build-start', title: 'Feature', nodes, jobs: 16, trigger: 'initial build' }, at: 0 }];
  let t = 1;
  for (let i = 0; i < 1200; i++) out.push({ event: { type: 'node-done', id: `source:${String(i).padStart(4, '0')}`, kind: 'source', cached: true, seconds: 0 }, at: t++ });
  for (let i = 0; i < 16; i++) out.push({ event: { type: 'node-start', id: `clip:${String(i).padStart(4, '0')}`, kind: 'clip', reason: 'new' }, at: t++ });
  for (let i = 16; i < 2016; i++) {
    const id = `clip:${String(i).padStart(4, '0')}`;
    out.push({ event: { type: 'node-start', id, kind: 'clip', reason: 'new' }, at: t++ });
    if (i < 2013) out.push({ event: { type: 'node-done', id, kind: 'clip', cached: false, seconds: 0.01 }, at: t++ });
    else out.push({ event: { type: 'node-failed', id, kind: 'clip', code: 'PA900', message: 'boom' }, at: t++ });
  }
  out.push({ event: { type: 'node-progress', id: 'clip:0000', fraction: 0.4 }, at: t++ });
  out.push({ event: { type: 'tick' }, at: 10_000 });
  return out;
}
