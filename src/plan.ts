/**
 * The Plan: plain, serialisable data that describes a build. The compiler makes it;
 * the engine runs it. A node's key is a SHA-256 over the canonical JSON of its kind,
 * kind version, resolved params and its inputs' keys (STYLE.md #3), so reformatting
 * YAML changes no key and a changed input changes every key downstream.
 */
import { createHash } from 'node:crypto';

export type NodeKind = 'source' | 'clip' | 'bus' | 'stem' | 'master' | 'loudness' | 'deliverable' | 'qc' | 'report';
/** Stages in pipeline order (for grouping in the UI and in `plan`). */
export const STAGES: NodeKind[] = ['source', 'clip', 'bus', 'stem', 'master', 'loudness', 'deliverable', 'qc', 'report'];

export interface PlanNode {
  /** Stable, human id: "clip:d001", "bus:DX", "master", "deliverable:mix.wav". */
  id: string;
  kind: NodeKind;
  kindVersion: number;
  /** Fully resolved values (numbers, not YAML text). Part of the key. */
  params: Record<string, unknown>;
  /** Ids of the nodes this one reads, in the order the renderer reads them. */
  inputs: string[];
  key: string;
  /** Human values for explanations ("gain": "-6 dB"); not part of the key. */
  display: Record<string, string>;
  /** For source nodes: the absolute path to read. Not part of the key (the content hash is). */
  file?: string;
  /**
   * Computed on the fly by the node that reads it instead of being stored (a plain WAV
   * decode, a clip's gain, fades and pan): cheaper to recompute than to write and read back.
   * Not part of the key: it never changes the audio.
   */
  inline?: boolean;
  /** Impulse responses a node reads, by content hash → absolute path. Not part of the key. */
  irFiles?: Record<string, string>;
  /** For deliverables: output file name inside the output folder. Not part of the key. */
  output?: string;
  /** For reports: the node writes a bundle of files into the output folder. */
  bundle?: boolean;
  /** Where in the project this node comes from, for messages. */
  origin?: { file: string; line?: number };
}

export interface Plan {
  version: 1;
  title: string;
  sampleRate: number;
  /** Nodes in a topological order (inputs before users), stable across runs. */
  nodes: PlanNode[];
}

/** JSON with object keys sorted at every level; rejects values JSON cannot represent exactly. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot key a non-finite number (${value})`);
    return JSON.stringify(Object.is(value, -0) ? 0 : value);
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new TypeError(`cannot key a ${typeof value}`);
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export function nodeKey(kind: NodeKind, kindVersion: number, params: Record<string, unknown>, inputKeys: string[]): string {
  return sha256Hex(canonicalJson({ kind, kindVersion, params, inputs: inputKeys }));
}
