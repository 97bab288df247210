/**
 * The engine's event stream. Every reporter (Ink UI, plain lines, NDJSON) consumes
 * exactly these events; nothing else reaches the user from a build.
 */
import type { Diagnostic } from '../compiler/diagnostics.ts';
import type { NodeKind } from '../plan.ts';

export interface OutputRecord {
  /** Path of the written deliverable (as given to the engine: absolute). */
  path: string;
  sha256: string;
  bytes: number;
}

export interface BuildSummary {
  type: 'summary';
  ok: boolean;
  rendered: number;
  cached: number;
  failed: number;
  outputs: OutputRecord[];
  seconds: number;
}

export type EngineEvent =
  | { type: 'build-start'; title: string; nodes: { id: string; kind: NodeKind }[]; jobs: number; trigger?: string }
  | { type: 'node-start'; id: string; kind: NodeKind; reason: string; inline?: boolean }
  | { type: 'node-progress'; id: string; fraction: number }
  | { type: 'node-done'; id: string; kind: NodeKind; cached: boolean; seconds: number; inline?: boolean }
  | { type: 'node-failed'; id: string; kind: NodeKind; code: string; message: string; origin?: { file: string; line?: number } }
  | { type: 'diagnostic'; diagnostic: Diagnostic }
  | { type: 'output'; output: OutputRecord; changed: boolean }
  | BuildSummary;

export type EventSink = (event: EngineEvent) => void;
