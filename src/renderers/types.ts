import type { PlanNode } from '../plan.ts';

/** Everything a renderer needs: the node, where its inputs' objects are, and where to write. */
export interface RenderTask {
  node: PlanNode;
  /** Cache paths of the input objects, in node.inputs order. */
  inputs: string[];
  /** A temporary path in the cache folder; the engine renames it into place. */
  outPath: string;
}

export interface RenderResult {
  frames: number;
  channels: number;
}

export type Progress = (fraction: number) => void;

/** Frames per processing block. Output never depends on it (tests render with other sizes). */
export const BLOCK = 65536;

/** A render error with a stable code, reported as a diagnostic against the node. */
export class RenderError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
    this.name = 'RenderError';
  }
}
