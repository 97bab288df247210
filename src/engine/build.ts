/**
 * The scheduler. Starting from the deliverables, a node that is in the cache is done;
 * otherwise its inputs are made available first (in parallel), then it renders on the
 * runner, bounded by `jobs`. Results never depend on completion order: each node's
 * output is a function of its inputs only, and outputs are written in plan order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256Hex, type Plan, type PlanNode } from '../plan.ts';
import type { Bundle } from '../renderers/report.ts';
import type { ClipParams, InputRef } from '../renderers/inputs.ts';
import type { MixParams } from '../renderers/mix-reader.ts';
import { Cache, copyAtomic, writeAtomic } from './cache.ts';
import type { BuildSummary, EventSink, OutputRecord } from './events.ts';
import { InProcessRunner, WorkerPool, type Runner, type TaskFailure } from './pool.ts';
import { readState, whyRender, writeState } from './state.ts';

export interface BuildOptions {
  cacheDir: string;
  outDir: string;
  jobs: number;
  onEvent: EventSink;
  /** Cancels at the next node boundary (watch mode). */
  signal?: AbortSignal;
  /** A runner to reuse across builds (watch mode); otherwise one is made and closed. */
  runner?: Runner;
  trigger?: string;
  /** Keep going when a QC check fails: its diagnostics become warnings. */
  allowQcFail?: boolean;
}

export class BuildCancelled extends Error {
  constructor() {
    super('build cancelled');
  }
}

export function makeRunner(jobs: number, forceWorkers = false): Runner {
  return jobs <= 1 && !forceWorkers ? new InProcessRunner() : new WorkerPool(Math.max(1, jobs));
}

export async function runBuild(plan: Plan, opts: BuildOptions): Promise<BuildSummary> {
  const t0 = performance.now();
  const emit = opts.onEvent;
  const cache = new Cache(opts.cacheDir);
  const prev = readState(opts.cacheDir);
  const keys = new Map(plan.nodes.map((n) => [n.id, n.key]));
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const runner = opts.runner ?? makeRunner(opts.jobs);
  const jobs = Math.max(1, opts.jobs);

  emit({ type: 'build-start', title: plan.title, nodes: plan.nodes.map((n) => ({ id: n.id, kind: n.kind })), jobs, trigger: opts.trigger });

  let rendered = 0;
  let failed = 0;
  const available = new Set<string>(); // nodes whose object is in the cache now
  const memo = new Map<string, Promise<boolean>>();
  let active = 0;
  const queue: (() => void)[] = [];
  const slot = async () => {
    if (active < jobs) {
      active++;
      return;
    }
    await new Promise<void>((r) => queue.push(r));
  };
  const free = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  const ensure = (node: PlanNode): Promise<boolean> => {
    let p = memo.get(node.id);
    if (!p) {
      p = make(node);
      memo.set(node.id, p);
    }
    return p;
  };

  /** How a renderer reads a node: its cache object, or the recipe to compute it inline. */
  const refFor = (node: PlanNode): InputRef => {
    if (node.kind === 'loudness' || node.kind === 'qc') return { type: 'json', path: cache.objectPath(node.key) };
    if (node.kind === 'deliverable') {
      const p = node.params as { channels: number; length: number };
      return { type: 'wav', path: cache.objectPath(node.key), label: node.id, channels: p.channels, frames: p.length };
    }
    if (!node.inline) return { type: 'object', path: cache.objectPath(node.key) };
    if (node.kind === 'source') {
      return { type: 'wav', path: node.file!, label: node.display.file, channels: node.params.channels as number, frames: node.params.frames as number };
    }
    if (node.kind === 'clip') return { type: 'clip', params: node.params as unknown as ClipParams, source: refFor(byId.get(node.inputs[0])!) };
    if (node.kind === 'bus' || node.kind === 'stem' || node.kind === 'master') {
      return { type: 'mix', params: node.params as unknown as MixParams, inputs: node.inputs.map((i) => refFor(byId.get(i)!)) };
    }
    throw new Error(`${node.id}: ${node.kind} nodes cannot be inline`);
  };

  const make = async (node: PlanNode): Promise<boolean> => {
    if (await cache.has(node.key, Boolean(node.inline))) {
      available.add(node.id);
      emit({ type: 'node-done', id: node.id, kind: node.kind, cached: true, seconds: 0 });
      return true;
    }
    const inputs = node.inputs.map((i) => byId.get(i)!);
    const ok = await Promise.all(inputs.map(ensure));
    if (ok.some((x) => !x)) return false;
    if (node.inline) {
      // computed by its readers; record that this key is now part of the build
      emit({ type: 'node-start', id: node.id, kind: node.kind, reason: whyRender(node, prev.nodes[node.id], keys), inline: true });
      cache.commitInline(node.key, node.kind);
      rendered++;
      available.add(node.id);
      emit({ type: 'node-done', id: node.id, kind: node.kind, cached: false, seconds: 0, inline: true });
      return true;
    }
    await slot();
    try {
      if (opts.signal?.aborted) throw new BuildCancelled();
      emit({ type: 'node-start', id: node.id, kind: node.kind, reason: whyRender(node, prev.nodes[node.id], keys) });
      const started = performance.now();
      const tmp = cache.tempPath(node.key);
      const side = `${tmp}.side`;
      try {
        const inputSides = inputs.map((i) => (i.inline ? null : cache.sidePath(i.key)));
        await runner.run({ node, inputs: inputs.map(refFor), outPath: tmp, sampleRate: plan.sampleRate, sidePath: side, inputSides }, (fraction) =>
          emit({ type: 'node-progress', id: node.id, fraction }),
        );
        await cache.commit(node.key, node.kind, tmp, { hash: node.kind === 'deliverable', side });
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        fs.rmSync(side, { force: true });
        throw err;
      }
      rendered++;
      available.add(node.id);
      emit({ type: 'node-done', id: node.id, kind: node.kind, cached: false, seconds: (performance.now() - started) / 1000 });
      return true;
    } catch (err) {
      if (err instanceof BuildCancelled) throw err;
      failed++;
      const f = err as Error & Partial<TaskFailure>;
      emit({ type: 'node-failed', id: node.id, kind: node.kind, code: f.code ?? 'PA900', message: f.message, origin: node.origin });
      return false;
    } finally {
      free();
    }
  };

  const finals = plan.nodes.filter((n) => n.output || n.bundle);
  const outputs: OutputRecord[] = [];
  let reportErrors = 0;
  try {
    const results = await Promise.all(finals.map(ensure));
    // Outputs are written in plan order once everything rendered; a failed build leaves the last good files alone.
    if (results.every(Boolean)) {
      for (const d of finals) {
        if (d.output) outputs.push(materialize(cache, d, opts.outDir, emit));
        else {
          const r = materializeBundle(cache, d, opts.outDir, byId, emit, Boolean(opts.allowQcFail));
          outputs.push(...r.outputs);
          reportErrors += r.errors;
        }
      }
    }
  } finally {
    if (!opts.runner) await runner.close();
    writeState(opts.cacheDir, prev, plan, available);
  }

  const summary: BuildSummary = {
    type: 'summary',
    ok: failed === 0 && reportErrors === 0,
    rendered,
    cached: plan.nodes.length - rendered - failed,
    failed,
    outputs,
    seconds: Math.round((performance.now() - t0) / 10) / 100,
  };
  emit(summary);
  return summary;
}

/** Writes a report's files into the output folder and emits its diagnostics, located at the nodes they concern. */
function materializeBundle(cache: Cache, node: PlanNode, outDir: string, byId: Map<string, PlanNode>, emit: EventSink, allowFail: boolean): { outputs: OutputRecord[]; errors: number } {
  const bundle = JSON.parse(fs.readFileSync(cache.objectPath(node.key), 'utf8')) as Bundle;
  const outputs: OutputRecord[] = [];
  for (const name of Object.keys(bundle.files).sort()) {
    const dest = path.join(outDir, name);
    const data = bundle.files[name];
    let same = false;
    try {
      same = fs.readFileSync(dest, 'utf8') === data;
    } catch {
      same = false;
    }
    if (!same) writeAtomic(dest, data);
    const out: OutputRecord = { path: dest, sha256: sha256Hex(data), bytes: Buffer.byteLength(data) };
    emit({ type: 'output', output: out, changed: !same });
    outputs.push(out);
  }
  let errors = 0;
  for (const d of bundle.diagnostics) {
    const at = byId.get(d.node)?.origin;
    const severity = d.severity === 'error' && !allowFail ? 'error' : 'warning';
    if (severity === 'error') errors++;
    emit({ type: 'diagnostic', diagnostic: { code: d.code, severity, message: d.message, ...(at ? { file: at.file, line: at.line, col: 1 } : {}) } });
  }
  return { outputs, errors };
}

interface OutputsRecord {
  version: 1;
  files: Record<string, { sha256: string; size: number; mtimeMs: number }>;
}

/** Copies a deliverable from the cache to the output folder (atomically), unless the file there is already it. */
function materialize(cache: Cache, node: PlanNode, outDir: string, emit: EventSink): OutputRecord {
  const meta = cache.meta(node.key)!;
  const sha256 = meta.sha256 ?? '';
  const dest = path.join(outDir, node.output!);
  const recordFile = path.join(cache.dir, 'outputs.json');
  let record: OutputsRecord = { version: 1, files: {} };
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as OutputsRecord;
  } catch {
    /* first build */
  }
  const known = record.files[dest];
  let changed = true;
  try {
    const st = fs.statSync(dest);
    changed = !(known && known.sha256 === sha256 && known.size === st.size && known.mtimeMs === st.mtimeMs);
  } catch {
    changed = true;
  }
  if (changed) {
    copyAtomic(cache.objectPath(node.key), dest);
    const st = fs.statSync(dest);
    record.files[dest] = { sha256, size: st.size, mtimeMs: st.mtimeMs };
    writeAtomic(recordFile, `${JSON.stringify(record)}\n`);
  }
  const out: OutputRecord = { path: dest, sha256, bytes: meta.size };
  emit({ type: 'output', output: out, changed });
  return out;
}
