/**
 * The watch loop: compile → build, then watch every file the compile read and do it again
 * when one of them changes.
 *
 * - Watched: the folders of every input (project file, includes, sources, later the picture
 *   lock), one level deep, filtered by name, so files that do not exist yet and editors'
 *   temp-file-and-rename saves are seen. The set is recomputed after every compile.
 * - What changed is decided by comparing a file's stamp (content for small files, stat for
 *   large ones) with the stamp taken just before the compile that read it, never by the kind
 *   of event: watchers report renames, atomic saves and DAW writes in many different ways.
 * - Changes are debounced (150 ms after the last one) and coalesced into one run.
 * - A change during a build cancels it at the next node boundary (runBuild's AbortSignal);
 *   nodes already rendering finish and are cached, and the next build starts only when they
 *   have: never two builds at once. The build that was running is stale the moment an input
 *   changes, and a film build can take minutes; nothing finished is thrown away (every
 *   finished node is in the cache and is reused when its key did not change).
 * - Errors never end the loop: compile diagnostics and failed nodes are reported and the
 *   engine leaves the last good deliverables alone.
 */
import path from 'node:path';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import { BuildCancelled } from '../engine/build.ts';
import type { BuildSummary, EngineEvent, EventSink } from '../engine/events.ts';
import type { Plan } from '../plan.ts';
import { realClock, type Clock, type TimerHandle } from './clock.ts';
import type { LoopEvent, ProjectInfo } from './events.ts';
import { stampOf, type DirWatcher, type FsChange, type WatchFs } from './fs.ts';
import { describeChanges, watchSet, type WatchSet } from './watch-set.ts';

export const DEBOUNCE_MS = 150;

export interface CompileOutcome {
  ok: boolean;
  diagnostics: Diagnostic[];
  plan?: Plan;
  /** Every file the compile read or looked for (absolute). */
  inputs: string[];
  /** Text of a project file by its diagnostic name, for code frames. */
  text?: (file: string) => string | undefined;
  project?: ProjectInfo;
}

export interface BuildRequest {
  plan: Plan;
  signal: AbortSignal;
  trigger: string;
  onEvent: EventSink;
}

/** What a run does; the CLI wires the real compiler and engine, tests a fake project. */
export interface WatchSteps {
  compile(): Promise<CompileOutcome>;
  /** Resolves with the summary, or rejects with BuildCancelled once `signal` aborted. */
  build(req: BuildRequest): Promise<BuildSummary>;
  clearCache?(): void | Promise<void>;
}

export interface WatchLoopOptions {
  projectFile: string;
  /** Folder that trigger messages are relative to (default: the project file's). */
  root?: string;
  fs: WatchFs;
  steps: WatchSteps;
  onEvent: (event: LoopEvent) => void;
  clock?: Clock;
  debounceMs?: number;
}

type Change = 'added' | 'changed' | 'removed';
const EMPTY: WatchSet = { files: new Set(), dirs: [], ancestors: new Set() };

export class WatchLoop {
  private readonly fs: WatchFs;
  private readonly steps: WatchSteps;
  private readonly clock: Clock;
  private readonly debounceMs: number;
  private readonly projectFile: string;
  private readonly root: string;
  private readonly emit: (e: LoopEvent) => void;

  private watcher: DirWatcher | undefined;
  private set: WatchSet = EMPTY;
  /** Each input's stamp as the last compile saw it (taken just before it ran). */
  private readonly seen = new Map<string, string | null>();
  private readonly pending = new Set<string>();
  private manual: string | undefined;
  private clearWanted = false;
  private refreshWanted = false;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  /** The current run's cancel switch (made before its compile, so a change during the compile counts). */
  private current: AbortController | undefined;
  private cancelReason = '';
  private closed = false;
  private runs = 0;

  constructor(opts: WatchLoopOptions) {
    this.fs = opts.fs;
    this.steps = opts.steps;
    this.clock = opts.clock ?? realClock;
    this.debounceMs = opts.debounceMs ?? DEBOUNCE_MS;
    this.projectFile = path.resolve(opts.projectFile);
    this.root = opts.root ?? path.dirname(this.projectFile);
    this.emit = opts.onEvent;
  }

  /** Starts watching and runs the first build (without waiting for it). */
  start(): void {
    if (this.watcher || this.closed) return;
    this.watcher = this.fs.watch(
      (c) => this.onChange(c),
      (err) => this.emit({ type: 'watch-error', message: `watcher: ${err.message}` }),
    );
    this.manual = 'initial build';
    void this.drive();
  }

  /** Builds again now (the UI's `r`): cancels a running build at its next node boundary. */
  rebuild(reason = 'rebuild requested'): void {
    if (this.closed) return;
    this.manual = reason;
    this.cancel(reason);
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
    void this.drive();
  }

  /** Empties the cache between builds (never during one), then builds again. */
  clearCache(): void {
    if (this.closed) return;
    this.clearWanted = true;
    this.rebuild('cache cleared');
  }

  /** Stops: cancels a running build, waits for its nodes in flight, closes the watcher. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.cancel('stopping');
    await this.running;
    await this.watcher?.close();
    this.watcher = undefined;
  }

  /** True while a run is going or changes are settling. */
  get busy(): boolean {
    return this.running !== undefined || this.timer !== undefined;
  }

  /** What is watched now (absolute, sorted). */
  get watched(): { files: string[]; dirs: string[] } {
    return { files: [...this.set.files].sort(), dirs: [...this.set.dirs] };
  }

  private onChange(c: FsChange): void {
    if (this.closed) return;
    const p = path.resolve(c.path);
    if (this.set.files.has(p)) this.check(p);
    else if (this.set.ancestors.has(p)) {
      // a folder on the way to an input appeared or went: watch again from the right place
      this.refreshWanted = true;
      this.arm();
    }
  }

  /** Compares an input with what the last compile saw; a difference cancels the build and (re)arms the debounce. */
  private check(p: string): void {
    if (stampOf(this.fs, p) === this.seen.get(p)) return;
    this.pending.add(p);
    this.cancel(`${this.rel(p)} changed`);
    this.arm();
  }

  private cancel(reason: string): void {
    if (this.current && !this.current.signal.aborted) {
      this.cancelReason = reason;
      this.current.abort();
    }
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.drive();
    }, this.debounceMs);
  }

  private hasWork(): boolean {
    return this.manual !== undefined || this.clearWanted || this.refreshWanted || this.pending.size > 0;
  }

  /** Runs until there is nothing to do or changes are still settling; one at a time. */
  private drive(): Promise<void> | undefined {
    if (this.running || this.closed) return this.running;
    this.running = (async () => {
      try {
        while (!this.closed && this.timer === undefined && this.hasWork()) await this.step();
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async step(): Promise<void> {
    if (this.refreshWanted) {
      this.refreshWanted = false;
      try {
        await this.watchInputs([...this.set.files]);
      } catch (err) {
        this.emit({ type: 'watch-error', message: `watcher: ${(err as Error).message}` });
      }
      if (this.timer !== undefined) return; // it found changes: let them settle
    }
    const changes = new Map<string, Change>();
    for (const p of [...this.pending].sort()) {
      const before = this.seen.get(p);
      const now = stampOf(this.fs, p);
      if (now === before) continue; // changed and changed back, or a duplicate event
      changes.set(p, before === null ? 'added' : now === null ? 'removed' : 'changed');
    }
    this.pending.clear();
    if (this.manual === undefined && !this.clearWanted && changes.size === 0) return;
    const trigger = this.manual ?? describeChanges(changes, this.root);
    this.manual = undefined;
    await this.cycle(trigger, [...changes.keys()].map((p) => this.rel(p)));
  }

  private async cycle(trigger: string, paths: string[]): Promise<void> {
    const run = ++this.runs;
    const ac = new AbortController();
    this.current = ac;
    this.cancelReason = '';
    try {
      if (this.clearWanted) {
        this.clearWanted = false;
        await this.steps.clearCache?.();
        this.emit({ type: 'cache-cleared' });
      }
      this.emit({ type: 'watch-trigger', run, trigger, paths });
      for (const p of this.set.files) this.seen.set(p, stampOf(this.fs, p));
      const t0 = this.clock.now();
      let outcome: CompileOutcome;
      try {
        outcome = await this.steps.compile();
      } catch (err) {
        const message = `the compiler failed: ${(err as Error).message}`;
        outcome = { ok: false, diagnostics: [{ code: 'PA900', severity: 'error', message }], inputs: [...this.set.files] };
      }
      const seconds = (this.clock.now() - t0) / 1000;
      await this.watchInputs([this.projectFile, ...outcome.inputs]);
      const ok = outcome.ok && outcome.plan !== undefined;
      this.emit({
        type: 'compile-done',
        run,
        ok,
        diagnostics: outcome.diagnostics,
        texts: textsFor(outcome),
        project: outcome.project,
        watching: { files: this.set.files.size, dirs: this.set.dirs.length },
        seconds,
      });
      if (!ok) return;
      if (ac.signal.aborted) {
        this.emit({ type: 'build-cancelled', run, reason: this.cancelReason });
        return;
      }
      await this.build(run, outcome.plan!, trigger, ac.signal);
    } catch (err) {
      this.emit({ type: 'watch-error', message: (err as Error).message });
    } finally {
      this.current = undefined;
    }
  }

  /** Runs one build; on cancellation waits for the nodes in flight (they finish and are cached). */
  private async build(run: number, plan: Plan, trigger: string, signal: AbortSignal): Promise<void> {
    const inflight = new Set<string>();
    let drained: (() => void) | undefined;
    const onEvent = (e: EngineEvent) => {
      if (e.type === 'node-start') inflight.add(e.id);
      else if (e.type === 'node-done' || e.type === 'node-failed') {
        inflight.delete(e.id);
        if (inflight.size === 0) drained?.();
      }
      this.emit(e);
    };
    try {
      await this.steps.build({ plan, signal, trigger, onEvent });
    } catch (err) {
      if (inflight.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      if (err instanceof BuildCancelled || signal.aborted) this.emit({ type: 'build-cancelled', run, reason: this.cancelReason || 'cancelled' });
      else this.emit({ type: 'watch-error', message: `the build failed: ${(err as Error).message}` });
    }
  }

  /** Watches the folders of `inputs`, then catches anything that changed before the watcher was live. */
  private async watchInputs(inputs: string[]): Promise<void> {
    const set = watchSet(inputs, (p) => this.fs.stat(p)?.kind === 'dir');
    for (const p of set.files) if (!this.seen.has(p)) this.seen.set(p, stampOf(this.fs, p));
    for (const p of [...this.seen.keys()]) if (!set.files.has(p)) this.seen.delete(p);
    for (const p of [...this.pending]) if (!set.files.has(p)) this.pending.delete(p);
    this.set = set;
    await this.watcher?.setDirs(set.dirs);
    for (const p of set.files) this.check(p);
  }

  private rel(p: string): string {
    return path.relative(this.root, p).split(path.sep).join('/') || p;
  }
}

function textsFor(outcome: CompileOutcome): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const d of outcome.diagnostics) {
    if (!d.file || d.file in texts) continue;
    const t = outcome.text?.(d.file);
    if (t !== undefined) texts[d.file] = t;
  }
  return texts;
}
