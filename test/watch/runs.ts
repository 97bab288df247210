/** Folds a loop's event stream into one record per run: why it ran, what compiled, what rendered. */
import type { LoopEvent } from '../../src/watch/events.ts';

export interface RunLog {
  run: number;
  trigger: string;
  compiled?: boolean;
  diagnostics: string[];
  built: boolean;
  /** Nodes in the plan that was built. */
  nodes: number;
  rendered: string[];
  cached: number;
  cancelled?: string;
  ok?: boolean;
}

export function runsOf(events: readonly LoopEvent[]): RunLog[] {
  const runs: RunLog[] = [];
  let cur: RunLog | undefined;
  for (const e of events) {
    switch (e.type) {
      case 'watch-trigger':
        cur = { run: e.run, trigger: e.trigger, diagnostics: [], built: false, nodes: 0, rendered: [], cached: 0 };
        runs.push(cur);
        break;
      case 'compile-done':
        if (cur) {
          cur.compiled = e.ok;
          cur.diagnostics.push(...e.diagnostics.map((d) => d.code));
        }
        break;
      case 'build-start':
        if (cur) {
          cur.built = true;
          cur.nodes = e.nodes.length;
        }
        break;
      case 'node-done':
        if (cur && e.cached) cur.cached++;
        else if (cur) cur.rendered.push(e.id);
        break;
      case 'summary':
        if (cur) cur.ok = e.ok;
        break;
      case 'build-cancelled':
        if (cur) cur.cancelled = e.reason;
        break;
      default:
        break;
    }
  }
  for (const r of runs) r.rendered.sort();
  return runs;
}

/** Fails if a build-start comes before the previous build ended (summary or build-cancelled). */
export function assertOneBuildAtATime(events: readonly LoopEvent[]): void {
  let open = false;
  for (const e of events) {
    if (e.type === 'build-start') {
      if (open) throw new Error('two builds at once');
      open = true;
    } else if (e.type === 'summary' || e.type === 'build-cancelled') open = false;
  }
}
