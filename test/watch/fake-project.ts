/**
 * A toy project format over the in-memory FS, with real Plan keys and a tiny engine that
 * renders node by node on the fake clock, honouring the AbortSignal at node boundaries
 * (as runBuild does). Enough to drive the watch loop the way the real compiler and engine do.
 *
 * project.json: { "title": "…", "include": ["reel.json"], "sources": { "a": "media/a.wav" },
 *                 "clips": [ { "id": "a1", "source": "a", "gain": -6 } ] }
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import { BuildCancelled } from '../../src/engine/build.ts';
import type { BuildSummary } from '../../src/engine/events.ts';
import { nodeKey, type PlanNode } from '../../src/plan.ts';
import type { CompileOutcome, WatchSteps } from '../../src/watch/loop.ts';
import type { FakeClock } from './fake-clock.ts';
import type { MemoryFs } from './memory-fs.ts';

interface ProjectJson {
  title?: string;
  include?: string[];
  sources?: Record<string, string>;
  clips?: { id: string; source: string; gain?: number }[];
}

export interface FakeSteps extends WatchSteps {
  /** Keys in the fake cache. */
  cache: Set<string>;
  /** Highest number of builds that ever ran at the same time. */
  maxConcurrent: number;
  compiles: number;
}

export function fakeSteps(fs: MemoryFs, clock: FakeClock, projectFile: string, opts: { renderMs?: number; compileMs?: number } = {}): FakeSteps {
  const root = path.dirname(projectFile);
  const rel = (p: string) => path.relative(root, p);
  const cache = new Set<string>();
  let active = 0;

  const steps: FakeSteps = {
    cache,
    maxConcurrent: 0,
    compiles: 0,
    async compile(): Promise<CompileOutcome> {
      steps.compiles++;
      if (opts.compileMs) await clock.sleep(opts.compileMs);
      const diagnostics: Diagnostic[] = [];
      const inputs = [projectFile];
      const texts = new Map<string, string>();
      const readJson = (abs: string, code: string): ProjectJson | undefined => {
        const text = fs.text(abs);
        if (text === undefined) {
          diagnostics.push({ code, severity: 'error', message: `file ${rel(abs)} does not exist` });
          return undefined;
        }
        texts.set(rel(abs), text);
        try {
          return JSON.parse(text) as ProjectJson;
        } catch (err) {
          diagnostics.push({ code: 'PA101', severity: 'error', message: `syntax: ${(err as Error).message}`, file: rel(abs), line: 1, col: 1 });
          return undefined;
        }
      };
      const top = readJson(projectFile, 'PA100');
      const sources: Record<string, string> = { ...top?.sources };
      const clips = [...(top?.clips ?? [])];
      for (const inc of top?.include ?? []) {
        const abs = path.resolve(root, inc);
        inputs.push(abs);
        const part = readJson(abs, 'PA111');
        Object.assign(sources, part?.sources);
        clips.push(...(part?.clips ?? []));
      }
      const nodes: PlanNode[] = [];
      const keys = new Map<string, string>();
      for (const id of Object.keys(sources).sort()) {
        const abs = path.resolve(root, sources[id]);
        inputs.push(abs);
        const bytes = fs.read(abs);
        if (!bytes) {
          diagnostics.push({ code: 'PA301', severity: 'error', message: `source ${id}: ${sources[id]} does not exist` });
          continue;
        }
        const key = createHash('sha256').update(bytes).digest('hex');
        keys.set(id, key);
        nodes.push({ id: `source:${id}`, kind: 'source', kindVersion: 1, params: {}, inputs: [], key, display: {}, file: abs });
      }
      const ok = !diagnostics.some((d) => d.severity === 'error');
      const base = { diagnostics, inputs, text: (f: string) => texts.get(f), project: { title: top?.title } };
      if (!ok) return { ...base, ok };
      const clipNodes = clips
        .slice()
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((c): PlanNode => {
          const params = { gain: c.gain ?? 0 };
          return { id: `clip:${c.id}`, kind: 'clip', kindVersion: 1, params, inputs: [`source:${c.source}`], key: nodeKey('clip', 1, params, [keys.get(c.source)!]), display: {} };
        });
      const bus: PlanNode = { id: 'bus:main', kind: 'bus', kindVersion: 1, params: {}, inputs: clipNodes.map((n) => n.id), key: nodeKey('bus', 1, {}, clipNodes.map((n) => n.key)), display: {} };
      const master: PlanNode = { id: 'master', kind: 'master', kindVersion: 1, params: {}, inputs: [bus.id], key: nodeKey('master', 1, {}, [bus.key]), display: {} };
      const deliverable: PlanNode = { id: 'deliverable:mix.wav', kind: 'deliverable', kindVersion: 1, params: {}, inputs: ['master'], key: nodeKey('deliverable', 1, {}, [master.key]), display: {}, output: 'mix.wav' };
      nodes.push(...clipNodes, bus, master, deliverable);
      return { ...base, ok, plan: { version: 1, title: top?.title ?? 'untitled', sampleRate: 48000, nodes } };
    },

    async build({ plan, signal, trigger, onEvent }): Promise<BuildSummary> {
      active++;
      steps.maxConcurrent = Math.max(steps.maxConcurrent, active);
      try {
        const t0 = clock.now();
        onEvent({ type: 'build-start', title: plan.title, nodes: plan.nodes.map((n) => ({ id: n.id, kind: n.kind })), jobs: 1, trigger });
        let rendered = 0;
        for (const n of plan.nodes) {
          if (signal.aborted) throw new BuildCancelled();
          if (cache.has(n.key)) {
            onEvent({ type: 'node-done', id: n.id, kind: n.kind, cached: true, seconds: 0 });
            continue;
          }
          onEvent({ type: 'node-start', id: n.id, kind: n.kind, reason: 'new' });
          await clock.sleep(opts.renderMs ?? 10);
          cache.add(n.key);
          rendered++;
          onEvent({ type: 'node-done', id: n.id, kind: n.kind, cached: false, seconds: (opts.renderMs ?? 10) / 1000 });
        }
        const summary: BuildSummary = { type: 'summary', ok: true, rendered, cached: plan.nodes.length - rendered, failed: 0, outputs: [], seconds: (clock.now() - t0) / 1000 };
        onEvent(summary);
        return summary;
      } finally {
        active--;
      }
    },

    clearCache() {
      cache.clear();
    },
  };
  return steps;
}
