/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The Ink app for `build --watch`: subscribes to the event feed, folds events into view state
 * at a bounded rate (≤ 10 redraws a second by default, however fast the engine emits), and
 * maps keys to actions. Everything it shows comes from the reducer; it does no I/O itself.
 *
 * Keys: q quit · r rebuild · v all nodes / only active and failed · c clear cache (asks y/n) ·
 * w show/hide warnings.
 *
 * The pragma on the first line of every component file keeps the automatic JSX runtime when tsx
 * transpiles with the tsconfig of the working directory (a user's project folder, not ours).
 */
import { useEffect, useRef, useState } from 'react';
import { useInput, useStdout } from 'ink';
import { BuildScreen } from './BuildScreen.tsx';
import type { HeaderProps } from './Header.tsx';
import { ANSI, type Colors } from './format-diagnostic.ts';
import { initialViewState, reduceAll, type TimedEvent, type ViewEvent } from './view-state.ts';

/** The clock the app stamps events with and throttles on (the watch loop's Clock fits). */
export interface UiClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: UiClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface AppActions {
  quit(): void;
  rebuild(): void;
  clearCache(): void;
}

export interface AppProps {
  feed: { subscribe(listener: (event: ViewEvent) => void): () => void };
  actions: AppActions;
  clock?: UiClock;
  /** Redraws per second at most (default 10). */
  fps?: number;
  colors?: Colors;
  header?: HeaderProps;
  cwd?: string;
  aggregateAbove?: number;
  /** Node rows in the graph; default: what fits the terminal. */
  maxRows?: number;
  showAll?: boolean;
}

/** How often time-dependent text (elapsed, estimate, "12 s ago") moves. */
const TICK_BUSY_MS = 250;
const TICK_IDLE_MS = 1000;

export function App(props: AppProps) {
  const clock = props.clock ?? realClock;
  const interval = 1000 / (props.fps ?? 10);
  const { stdout } = useStdout();
  const [view, setView] = useState(() => initialViewState(clock.now()));
  const [showAll, setShowAll] = useState(props.showAll ?? true);
  const [confirm, setConfirm] = useState(false);
  const [warningsOpen, setWarningsOpen] = useState(false);
  const push = useRef<(e: ViewEvent) => void>(() => {});

  // Events are buffered and folded in one batch per frame.
  useEffect(() => {
    let alive = true;
    let buffer: TimedEvent[] = [];
    let timer: unknown;
    let lastFlush = Number.NEGATIVE_INFINITY;
    const flush = () => {
      timer = undefined;
      if (!alive) return;
      lastFlush = clock.now();
      const batch = buffer;
      buffer = [];
      setView((s) => reduceAll(s, batch));
    };
    push.current = (event) => {
      buffer.push({ event, at: clock.now() });
      if (timer === undefined) timer = clock.setTimeout(flush, Math.max(0, lastFlush + interval - clock.now()));
    };
    const unsubscribe = props.feed.subscribe((e) => push.current(e));
    return () => {
      alive = false;
      unsubscribe();
      if (timer !== undefined) clock.clearTimeout(timer);
    };
  }, [props.feed, clock, interval]);

  // Ticks only while something on screen depends on the time.
  const busy = view.phase === 'building' || view.phase === 'compiling';
  const timed = busy || view.last !== undefined;
  useEffect(() => {
    if (!timed) return;
    const h = clock.setTimeout(() => push.current({ type: 'tick' }), busy ? TICK_BUSY_MS : TICK_IDLE_MS);
    return () => clock.clearTimeout(h);
  }, [clock, busy, timed, view.now]);

  useInput((input, key) => {
    if (confirm) {
      setConfirm(false);
      if (input === 'y' || input === 'Y') props.actions.clearCache();
      return;
    }
    if (input === 'q' || (key.ctrl && input === 'c')) props.actions.quit();
    else if (input === 'r') props.actions.rebuild();
    else if (input === 'v') setShowAll((x) => !x);
    else if (input === 'c') setConfirm(true);
    else if (input === 'w') setWarningsOpen((x) => !x);
  });

  const rows = stdout.rows || 40;
  const maxRows = props.maxRows ?? Math.max(4, rows - 14 - view.stages.length);
  return (
    <BuildScreen
      state={view}
      showAll={showAll}
      warningsOpen={warningsOpen}
      confirm={confirm}
      colors={props.colors ?? ANSI}
      header={props.header}
      cwd={props.cwd}
      width={stdout.columns || 80}
      maxRows={maxRows}
      aggregateAbove={props.aggregateAbove}
      keys
    />
  );
}
