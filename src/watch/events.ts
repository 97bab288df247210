/**
 * What the watch loop adds to the engine's event stream: when a run starts and why, what the
 * compile found, and builds that were cancelled. Reporters consume `LoopEvent`s exactly as they
 * consume engine events (a one-shot build is a stream without these).
 */
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { EngineEvent } from '../engine/events.ts';

/** What the header shows about the project, as far as the last compile got. */
export interface ProjectInfo {
  title?: string;
  layout?: string;
  /** Loudness target name(s) of the deliverables, e.g. "streaming". */
  target?: string;
  pictureLock?: { file: string; sha256?: string };
}

export type WatchEvent =
  /** A run (compile, then build when it compiles) starts; `run` counts from 1. */
  | { type: 'watch-trigger'; run: number; trigger: string; paths: string[] }
  | {
      type: 'compile-done';
      run: number;
      ok: boolean;
      diagnostics: Diagnostic[];
      /** Text of the files the diagnostics point into (for code frames, so the UI never reads files). */
      texts: Record<string, string>;
      project?: ProjectInfo;
      /** Files and folders now watched. */
      watching: { files: number; dirs: number };
      seconds: number;
    }
  /** The build stopped at a node boundary because an input changed; nodes in flight finished first. */
  | { type: 'build-cancelled'; run: number; reason: string }
  | { type: 'cache-cleared' }
  /** Something unexpected (a bug, a watcher failure); watching goes on. */
  | { type: 'watch-error'; message: string };

export type LoopEvent = EngineEvent | WatchEvent;
