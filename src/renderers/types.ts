import type { PlanNode } from '../plan.ts';
import type { BlockReader, InputRef } from './inputs.ts';
import type { RouteParams } from './route.ts';

/** Everything a renderer needs: the node, how to read its inputs, and where to write. */
export interface RenderTask {
  node: PlanNode;
  /** The node's inputs in node.inputs order: cache objects or inline recipes. */
  inputs: InputRef[];
  /** A temporary path in the cache folder; the engine renames it into place. */
  outPath: string;
  sampleRate: number;
  /**
   * Where the renderer may write a side result: a small JSON fact about its output, learned
   * while writing it (the deliverable's loudness measurement). The engine keeps it in the
   * cache entry with the object. Absent: the renderer writes none.
   */
  sidePath?: string;
  /** Per input (node.inputs order): the path of that input's side result, or null when it has none. */
  inputSides?: (string | null)[];
  /** Set by a runner with a core to spare (never sent to a worker): see ReadAhead. */
  readAhead?: ReadAhead;
}

/**
 * Opens `ref`, routed, as a reader that another thread fills ahead of its reads. The reads
 * must be the whole blocks from 0 to `frames` in order ((0, block), (block, block), …), which
 * is how a renderer that streams its input reads it anyway; the samples are those the
 * renderer's own routed reader would give. Null: read it yourself.
 */
export type ReadAhead = (ref: InputRef, route: RouteParams, sampleRate: number, frames: number, block: number) => BlockReader | null;

export interface RenderResult {
  frames: number;
  channels: number;
}

export type Progress = (fraction: number) => void;

/** Frames per processing block. Output never depends on it (tests render with other sizes). */
export const BLOCK = 65536;

/** A render error with a stable code, reported as a diagnostic against the node. */
export class RenderError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}
