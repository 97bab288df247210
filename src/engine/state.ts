/**
 * What the last build saw of each node, so the next plan can say why a node renders
 * again ("gain -6 dB → -3 dB", "content of sfx/door.wav changed") — ninja's `-d explain`.
 * Only a record for messages: it never decides whether a node renders (the cache does).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plan, PlanNode } from '../plan.ts';
import { writeAtomic } from './cache.ts';

export interface NodeRecord {
  key: string;
  kindVersion: number;
  display: Record<string, string>;
  inputs: Record<string, string>;
}

export interface BuildState {
  version: 1;
  nodes: Record<string, NodeRecord>;
}

export function statePath(cacheDir: string): string {
  return path.join(cacheDir, 'state.json');
}

export function readState(cacheDir: string): BuildState {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(cacheDir), 'utf8')) as BuildState;
    if (s.version === 1 && s.nodes) return s;
  } catch {
    /* no state yet */
  }
  return { version: 1, nodes: {} };
}

export function recordOf(node: PlanNode, keys: Map<string, string>): NodeRecord {
  return {
    key: node.key,
    kindVersion: node.kindVersion,
    display: node.display,
    inputs: Object.fromEntries(node.inputs.map((i) => [i, keys.get(i) ?? ''])),
  };
}

/** Records the nodes that are now in the cache; keeps older records for the rest. */
export function writeState(cacheDir: string, prev: BuildState, plan: Plan, ok: Set<string>): void {
  const keys = new Map(plan.nodes.map((n) => [n.id, n.key]));
  const nodes: Record<string, NodeRecord> = { ...prev.nodes };
  for (const n of plan.nodes) if (ok.has(n.id)) nodes[n.id] = recordOf(n, keys);
  const sorted = Object.fromEntries(Object.keys(nodes).sort().map((k) => [k, nodes[k]]));
  writeAtomic(statePath(cacheDir), `${JSON.stringify({ version: 1, nodes: sorted })}\n`);
}

/** One sentence on why `node` must render, given what the last build recorded. */
export function whyRender(node: PlanNode, prev: NodeRecord | undefined, keys: Map<string, string>): string {
  if (!prev) return 'new';
  if (prev.key === node.key) return 'cache entry missing or damaged';
  const reasons: string[] = [];
  if (prev.kindVersion !== node.kindVersion) reasons.push(`${node.kind} renderer v${prev.kindVersion} → v${node.kindVersion}`);
  if (node.kind === 'source' && prev.display.sha256 !== node.display.sha256) {
    reasons.push(`content of ${node.display.file} changed`);
  } else {
    const names = [...new Set([...Object.keys(prev.display), ...Object.keys(node.display)])].sort();
    for (const k of names) {
      const a = prev.display[k];
      const b = node.display[k];
      if (a === b) continue;
      if (a === undefined) reasons.push(`${k} added (${b})`);
      else if (b === undefined) reasons.push(`${k} removed (was ${a})`);
      else reasons.push(`${k} ${a} → ${b}`);
    }
  }
  const changedInputs = node.inputs.filter((i) => prev.inputs[i] !== undefined && prev.inputs[i] !== keys.get(i));
  const added = node.inputs.filter((i) => prev.inputs[i] === undefined);
  const removed = Object.keys(prev.inputs).filter((i) => !node.inputs.includes(i));
  if (changedInputs.length) reasons.push(`${listIds(changedInputs)} changed`);
  if (added.length) reasons.push(`${listIds(added)} added`);
  if (removed.length) reasons.push(`${listIds(removed)} removed`);
  return reasons.length ? reasons.join('; ') : 'parameters changed';
}

function listIds(ids: string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}
