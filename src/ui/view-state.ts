/**
 * View state for the terminal UI: a pure reducer from the event stream (engine events, the
 * watch loop's events, clock ticks) to what the screen shows. Time only comes in as an
 * argument (`now`, in ms, from whatever clock the caller uses); nothing here reads a clock,
 * a file or the terminal. Components render the result and nothing else (STYLE.md #16).
 *
 * `reduceAll` folds a batch of events with one copy of the node table, so a throttled UI
 * (≤ 10 redraws a second) costs O(nodes) per redraw, not per event, on a 5,000-node film.
 */
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { BuildSummary, EngineEvent, OutputRecord } from '../engine/events.ts';
import { STAGES } from '../plan.ts';
import type { ProjectInfo, WatchEvent } from '../watch/events.ts';

export type NodeState = 'queued' | 'rendering' | 'cached' | 'done' | 'failed';
export const NODE_STATES: NodeState[] = ['queued', 'rendering', 'cached', 'done', 'failed'];
export type Counts = Record<NodeState, number>;

export interface NodeView {
  id: string;
  kind: string;
  state: NodeState;
  /** 0..1 while rendering, when the renderer reports it. */
  progress?: number;
  /** When it started rendering (ms, the caller's clock). */
  startedAt?: number;
  /** Render time, once done. */
  seconds?: number;
  reason?: string;
  /** Computed inside the node that reads it (a plain decode, a clip's gain): not stored, not a cache entry. */
  inline?: boolean;
  error?: { code: string; message: string; origin?: { file: string; line?: number } };
}

export interface StageView {
  kind: string;
  /** Node ids in plan order. */
  ids: string[];
  counts: Counts;
}

export type Phase = 'starting' | 'compiling' | 'building' | 'done' | 'failed' | 'compile-failed' | 'cancelled';

export interface BuildRecord {
  run: number;
  trigger: string;
  ok: boolean;
  /** Build time in seconds (compile time when the compile failed). */
  seconds: number;
  /** ms on the caller's clock when it ended. */
  endedAt: number;
  rendered: number;
  cached: number;
  failed: number;
}

/** A clock tick: only moves `now` (elapsed times, estimates, "12 s ago"). */
export interface TickEvent {
  type: 'tick';
}

export type ViewEvent = EngineEvent | WatchEvent | TickEvent;

export interface ViewState {
  now: number;
  phase: Phase;
  title?: string;
  project?: ProjectInfo;
  /** Runs so far (the build count); 0 before the first. */
  run: number;
  trigger?: string;
  jobs?: number;
  /** When the current (or last) build started. */
  buildStartedAt?: number;
  nodes: ReadonlyMap<string, NodeView>;
  stages: readonly StageView[];
  totals: Counts;
  /** Of `totals.done`, how many were inline (recomputed by their readers, not cache misses). */
  inlineDone: number;
  /** Ids rendering now, in the order they started (oldest first: the slowest). */
  active: readonly string[];
  /** Ids that failed in this build, in order. */
  failed: readonly string[];
  /** Compile diagnostics of the last run, then engine diagnostics of its build. */
  diagnostics: readonly Diagnostic[];
  /** Text of files diagnostics point into (for code frames). */
  texts: Readonly<Record<string, string>>;
  outputs: readonly (OutputRecord & { changed: boolean })[];
  /** The last build's summary, whatever it carries (QC results when the engine adds them). */
  summary?: BuildSummary;
  last?: BuildRecord;
  watching?: { files: number; dirs: number };
  cancelReason?: string;
  /** A one-line notice: cache cleared, a watcher error. */
  notice?: { level: 'info' | 'error'; text: string };
}

const zero = (): Counts => ({ queued: 0, rendering: 0, cached: 0, done: 0, failed: 0 });

export function initialViewState(now = 0): ViewState {
  return { now, phase: 'starting', run: 0, nodes: new Map(), stages: [], totals: zero(), inlineDone: 0, active: [], failed: [], diagnostics: [], texts: {}, outputs: [] };
}

export interface TimedEvent {
  event: ViewEvent;
  /** ms on the caller's clock when the event arrived. */
  at: number;
}

export function reduce(state: ViewState, event: ViewEvent, now: number): ViewState {
  return reduceAll(state, [{ event, at: now }]);
}

/** Folds a batch of events; `state` is never modified. */
export function reduceAll(state: ViewState, events: readonly TimedEvent[]): ViewState {
  if (events.length === 0) return state;
  const d = new Draft(state);
  for (const { event, at } of events) d.apply(event, at);
  return d.done();
}

/**
 * A copy-on-first-write working copy of the state for one batch: the node table, the stages and
 * the lists are copied at most once per batch, then changed in place.
 */
class Draft {
  private s: ViewState;
  private nodes: Map<string, NodeView> | undefined;
  private stages: StageView[] | undefined;
  private stageIndex: Map<string, number> | undefined;
  /** Arrays this batch made (safe to push to). */
  private readonly owned = new WeakSet<readonly unknown[]>();

  constructor(base: ViewState) {
    this.s = { ...base, totals: { ...base.totals } };
  }

  done(): ViewState {
    if (this.nodes) this.s.nodes = this.nodes;
    if (this.stages) this.s.stages = this.stages;
    return this.s;
  }

  /** A list of the state that this batch may change in place. */
  private own<T>(list: readonly T[]): T[] {
    if (this.owned.has(list)) return list as T[];
    const copy = [...list];
    this.owned.add(copy);
    return copy;
  }

  private mutableNodes(): Map<string, NodeView> {
    if (!this.nodes) this.nodes = new Map(this.s.nodes);
    return this.nodes;
  }

  private mutableStages(): StageView[] {
    if (!this.stages) {
      this.stages = this.s.stages.map((st) => ({ ...st, counts: { ...st.counts } }));
      this.stageIndex = new Map(this.stages.map((st, i) => [st.kind, i]));
    }
    return this.stages;
  }

  private stage(kind: string): StageView {
    const stages = this.mutableStages();
    let i = this.stageIndex!.get(kind);
    if (i === undefined) {
      stages.push({ kind, ids: this.own([]), counts: zero() });
      stages.sort((a, b) => stageRank(a.kind) - stageRank(b.kind));
      this.stageIndex = new Map(stages.map((st, j) => [st.kind, j]));
      i = this.stageIndex.get(kind)!;
    }
    return stages[i];
  }

  /** Replaces a node, keeping the stage and total counts in step. */
  private put(next: NodeView): void {
    const nodes = this.mutableNodes();
    const prev = nodes.get(next.id);
    const st = this.stage(next.kind);
    if (prev) {
      st.counts[prev.state]--;
      this.s.totals[prev.state]--;
    } else {
      st.ids = this.own(st.ids);
      st.ids.push(next.id);
    }
    st.counts[next.state]++;
    this.s.totals[next.state]++;
    nodes.set(next.id, next);
  }

  private node(id: string, kind: string): NodeView {
    return this.nodes?.get(id) ?? this.s.nodes.get(id) ?? { id, kind, state: 'queued' };
  }

  private unactive(id: string): void {
    const i = this.s.active.indexOf(id);
    if (i === -1) return;
    const a = this.own(this.s.active);
    a.splice(i, 1);
    this.s.active = a;
  }

  apply(e: ViewEvent, at: number): void {
    const s = this.s;
    s.now = Math.max(s.now, at);
    switch (e.type) {
      case 'tick':
        break;
      case 'watch-trigger':
        s.run = e.run;
        s.trigger = e.trigger;
        s.phase = 'compiling';
        s.cancelReason = undefined;
        s.notice = s.notice?.level === 'info' ? s.notice : undefined; // "cache cleared" comes just before its run
        break;
      case 'compile-done':
        s.run = Math.max(s.run, e.run);
        s.diagnostics = e.diagnostics;
        s.texts = e.texts;
        s.watching = e.watching;
        if (e.project) {
          s.project = e.project;
          if (e.project.title) s.title = e.project.title;
        }
        if (!e.ok) {
          s.phase = 'compile-failed';
          s.last = { run: e.run, trigger: s.trigger ?? '', ok: false, seconds: e.seconds, endedAt: at, rendered: 0, cached: 0, failed: 0 };
        }
        break;
      case 'build-start': {
        s.title = e.title;
        s.jobs = e.jobs;
        if (e.trigger) s.trigger = e.trigger;
        if (s.run === 0) s.run = 1; // a one-shot build, without the watch loop
        s.phase = 'building';
        s.buildStartedAt = at;
        s.totals = zero();
        s.inlineDone = 0;
        s.active = this.own([]);
        s.failed = this.own([]);
        s.outputs = this.own([]);
        s.summary = undefined;
        s.cancelReason = undefined;
        this.nodes = new Map();
        this.stages = [];
        this.stageIndex = new Map();
        for (const n of e.nodes) this.put({ id: n.id, kind: n.kind, state: 'queued' });
        break;
      }
      case 'node-start': {
        const n = this.node(e.id, e.kind);
        this.put({ id: e.id, kind: n.kind, state: 'rendering', startedAt: at, reason: e.reason, inline: e.inline });
        this.unactive(e.id);
        s.active = this.own(s.active);
        (s.active as string[]).push(e.id);
        break;
      }
      case 'node-progress': {
        const n = this.nodes?.get(e.id) ?? s.nodes.get(e.id);
        if (n && n.state === 'rendering') this.put({ ...n, progress: Math.min(1, Math.max(0, e.fraction)) });
        break;
      }
      case 'node-done': {
        const n = this.node(e.id, e.kind);
        const inline = e.inline ?? n.inline;
        if (n.state === 'done' && n.inline) s.inlineDone--;
        if (!e.cached && inline) s.inlineDone++;
        this.put({ id: e.id, kind: n.kind, state: e.cached ? 'cached' : 'done', seconds: e.seconds, reason: n.reason, inline });
        this.unactive(e.id);
        break;
      }
      case 'node-failed': {
        const n = this.node(e.id, e.kind);
        this.put({ id: e.id, kind: n.kind, state: 'failed', reason: n.reason, error: { code: e.code, message: e.message, origin: e.origin } });
        this.unactive(e.id);
        s.failed = this.own(s.failed);
        (s.failed as string[]).push(e.id);
        break;
      }
      case 'diagnostic':
        s.diagnostics = this.own(s.diagnostics);
        (s.diagnostics as Diagnostic[]).push(e.diagnostic);
        break;
      case 'output':
        s.outputs = this.own(s.outputs);
        (s.outputs as (OutputRecord & { changed: boolean })[]).push({ ...e.output, changed: e.changed });
        break;
      case 'summary':
        if (s.notice?.level === 'info') s.notice = undefined;
        s.summary = e;
        s.phase = e.ok ? 'done' : 'failed';
        s.last = { run: s.run, trigger: s.trigger ?? '', ok: e.ok, seconds: e.seconds, endedAt: at, rendered: e.rendered, cached: e.cached, failed: e.failed };
        break;
      case 'build-cancelled':
        s.phase = 'cancelled';
        s.cancelReason = e.reason;
        break;
      case 'cache-cleared':
        s.notice = { level: 'info', text: 'cache cleared' };
        break;
      case 'watch-error':
        s.notice = { level: 'error', text: e.message };
        break;
      default:
        break; // an event kind this UI does not know yet
    }
  }
}

function stageRank(kind: string): number {
  const i = (STAGES as string[]).indexOf(kind);
  return i === -1 ? STAGES.length : i;
}

// ---- derived values (pure functions of the state) ----

/** Cache hits among the stored nodes finished so far in this build, 0..1; undefined before any. */
export function cacheHitRate(s: ViewState): number | undefined {
  const n = s.totals.cached + s.totals.done - s.inlineDone;
  return n === 0 ? undefined : s.totals.cached / n;
}

/** Seconds since the current build started (while building), else the last build's time. */
export function elapsedSeconds(s: ViewState): number | undefined {
  if (s.phase === 'building' && s.buildStartedAt !== undefined) return (s.now - s.buildStartedAt) / 1000;
  return s.last?.seconds;
}

/** Fraction of this build's nodes finished, counting the progress of those rendering. */
export function buildFraction(s: ViewState): number {
  const total = s.nodes.size;
  if (total === 0) return 0;
  let finished = s.totals.cached + s.totals.done + s.totals.failed;
  for (const id of s.active) finished += s.nodes.get(id)?.progress ?? 0;
  return Math.min(1, finished / total);
}

/**
 * Seconds left, extrapolated from the fraction done so far; undefined until there is enough to go on
 * (5 % of the work and half a second). Cached nodes finish instantly, so early estimates run short.
 */
export function estimateSeconds(s: ViewState): number | undefined {
  if (s.phase !== 'building') return undefined;
  const elapsed = elapsedSeconds(s) ?? 0;
  const f = buildFraction(s);
  if (f < 0.05 || elapsed < 0.5 || f >= 1) return undefined;
  return (elapsed * (1 - f)) / f;
}

/** Seconds a rendering node has been at it. */
export function nodeElapsed(s: ViewState, n: NodeView): number {
  return n.startedAt === undefined ? 0 : Math.max(0, (s.now - n.startedAt) / 1000);
}
