/**
 * Lower: the resolved project becomes a Plan of render nodes
 *   source → clip → bus → (stem) → master → loudness → deliverable → qc → report
 * Each node carries only resolved numbers; timeline positions live in the node that
 * places things (a bus places its clips), so moving an event re-renders its bus and
 * not the clip itself. Cheap nodes are inline (computed by their readers).
 */
import { KIND_VERSIONS } from '../renderers/versions.ts';
import { nodeKey, type NodeKind, type Plan, type PlanNode } from '../plan.ts';
import type { Loc } from './diagnostics.ts';
import type { ResolvedProject } from './model.ts';
import { samplesToTimecode } from './timecode.ts';
import { formatNumber, gainToDb } from './units.ts';

/** WAVE_FORMAT_EXTENSIBLE speaker masks per layout (WAV channel order). */
export const CHANNEL_MASKS: Record<string, number> = { mono: 0x4, stereo: 0x3, LCR: 0x7, '5.1': 0x3f, '7.1': 0x63f };

export function lower(p: ResolvedProject, lineOf: (file: string, offset: number) => number | undefined): Plan {
  const nodes: PlanNode[] = [];
  const byId = new Map<string, PlanNode>();
  const add = (id: string, kind: NodeKind, params: Record<string, unknown>, inputs: string[], display: Record<string, string>, extra: Partial<PlanNode> = {}): PlanNode => {
    const inputKeys = inputs.map((i) => byId.get(i)!.key);
    const node: PlanNode = { id, kind, kindVersion: KIND_VERSIONS[kind], params, inputs, key: nodeKey(kind, KIND_VERSIONS[kind], params, inputKeys), display, ...extra };
    nodes.push(node);
    byId.set(id, node);
    return node;
  };
  const db = (g: number) => `${formatNumber(Math.round(gainToDb(g) * 1000) / 1000)} dB`;
  const secs = (n: number) => `${formatNumber(Math.round((n / p.sampleRate) * 1e6) / 1e6)} s`;
  const tc = (n: number) => samplesToTimecode(n + p.startSamples, p.frameRate, p.sampleRate);
  const origin = (loc: Loc) => ({ file: loc.file, line: lineOf(loc.file, loc.range[0]) });
  const sampleRate = p.sampleRate;
  const layout = p.master.layout;
  const channels = p.master.channels;

  // Sources used by at least one event, in id order.
  const used = new Set(p.events.map((e) => e.source));
  for (const s of [...p.sources.values()].filter((x) => used.has(x.id)).sort((a, b) => cmp(a.id, b.id))) {
    add(`source:${s.id}`, 'source', { sha256: s.sha256, channels: s.channels, frames: s.frames, sampleRate: s.sampleRate }, [], { file: s.rel, sha256: s.sha256.slice(0, 12) }, { file: s.abs, origin: origin(s.loc), inline: true });
  }

  const events = [...p.events].sort((a, b) => cmp(a.id, b.id));
  for (const e of events) {
    const src = p.sources.get(e.source)!;
    add(
      `clip:${e.id}`,
      'clip',
      { in: e.in, out: e.out, gain: e.gain, azimuth: e.azimuth, lfe: e.lfe, divergence: e.divergence, fadeIn: e.fadeIn, fadeOut: e.fadeOut, srcChannels: src.channels, layout, channels },
      [`source:${e.source}`],
      {
        source: e.source,
        in: secs(e.in),
        out: secs(e.out),
        gain: db(e.gain),
        pan: `${formatNumber(Math.round(e.azimuth * 1000) / 1000)} deg`,
        ...(e.lfe ? { lfe: db(e.lfe) } : {}),
        ...(e.divergence ? { divergence: formatNumber(e.divergence) } : {}),
        fade_in: `${secs(e.fadeIn.length)} ${e.fadeIn.curve}`,
        fade_out: `${secs(e.fadeOut.length)} ${e.fadeOut.curve}`,
      },
      { origin: origin(e.loc), inline: true },
    );
  }

  // Buses: clips placed on the timeline, in (start, id) order — a fixed summation order.
  const spans = new Map<string, { start: number; end: number }>();
  const busStem = new Map<string, string | null>();
  for (const b of [...p.buses.values()].sort((x, y) => cmp(x.id, y.id))) {
    const mine = events.filter((e) => e.bus === b.id).sort((x, y) => x.start - y.start || cmp(x.id, y.id));
    if (mine.length === 0) continue;
    const placements = mine.map((e) => ({ start: e.start, length: e.out - e.in }));
    const start = Math.min(...placements.map((x) => x.start));
    const end = Math.max(...placements.map((x) => x.start + x.length));
    spans.set(`bus:${b.id}`, { start, end });
    busStem.set(b.id, b.stem);
    add(
      `bus:${b.id}`,
      'bus',
      { gain: b.gain, channels, sampleRate, placements, start, length: end - start },
      mine.map((e) => `clip:${e.id}`),
      { gain: db(b.gain), stem: b.stem ?? '', ...Object.fromEntries(mine.map((e) => [`at ${e.id}`, tc(e.start)])) },
      { origin: origin(b.loc), inline: true },
    );
  }

  /** A mix of other mix nodes, each placed at its own span. */
  const mixOf = (id: string, kind: NodeKind, inputs: string[], display: Record<string, string>, loc: Loc, startAtZero: boolean) => {
    const start = startAtZero ? 0 : Math.min(...inputs.map((i) => spans.get(i)!.start));
    const end = Math.max(...inputs.map((i) => spans.get(i)!.end));
    spans.set(id, { start, end });
    return add(
      id,
      kind,
      { gain: 1, channels, sampleRate, placements: inputs.map((i) => ({ start: spans.get(i)!.start, length: spans.get(i)!.end - spans.get(i)!.start })), start, length: end - start },
      inputs,
      display,
      { origin: origin(loc), inline: true },
    );
  };

  const busIds = [...spans.keys()];
  const needsDialogue = p.master.deliverables.some((d) => d.target?.basis === 'dialogue');
  if (needsDialogue) {
    const dx = busIds.filter((b) => busStem.get(b.slice(4)) === 'dialogue');
    mixOf('stem:dialogue', 'stem', dx, { buses: dx.join(', ') }, p.master.loc, false);
  }
  const master = mixOf('master', 'master', busIds, { layout, length: secs(spans.get(busIds[0])!.end) }, p.master.loc, true);
  const length = master.params.length as number;

  const qcIds: string[] = [];
  for (const d of p.master.deliverables) {
    const route = { from: layout, to: d.layout, downmix: d.downmix };
    const inputs = ['master'];
    if (d.target) {
      const basis = d.target.basis === 'dialogue' ? 'stem:dialogue' : 'master';
      add(`loudness:${d.name}`, 'loudness', { ...route, sampleRate }, [basis], { basis: d.target.basis, layout: d.layout }, { origin: origin(d.loc) });
      inputs.push(`loudness:${d.name}`);
    }
    const target = d.target ? { integrated: d.target.integrated, truePeak: d.target.truePeak } : null;
    const del = add(
      `deliverable:${d.file}`,
      'deliverable',
      {
        ...route,
        sampleRate,
        channels: d.channels,
        bits: d.bits,
        float: d.float,
        channelMask: CHANNEL_MASKS[d.layout],
        length,
        target,
        limiter: d.limiter,
        bext: {
          description: p.title,
          originator: 'postaudio',
          originatorReference: d.name,
          originationDate: p.date ?? '',
          originationTime: p.date ? '00:00:00' : '',
          timeReference: p.startSamples,
        },
      },
      inputs,
      {
        file: d.file,
        layout: d.layout,
        bits: d.float ? '32f' : String(d.bits),
        target: d.target ? `${d.target.name} ${d.target.integrated} LUFS, ${d.target.truePeak} dBTP` : 'none',
        title: p.title,
      },
      { output: d.file, origin: origin(d.loc) },
    );
    add(
      `qc:${d.file}`,
      'qc',
      { name: d.name, file: d.file, layout: d.layout, sampleRate, target: d.target, frames: length, channels: d.channels },
      d.target ? [del.id, `loudness:${d.name}`] : [del.id],
      { target: d.target?.name ?? 'none' },
      { origin: origin(d.loc) },
    );
    qcIds.push(`qc:${d.file}`);
  }
  add('report:qc', 'report', { title: p.title }, qcIds, { deliverables: String(qcIds.length) }, { bundle: true, origin: origin(p.master.loc) });

  return { version: 1, title: p.title, sampleRate, nodes };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
