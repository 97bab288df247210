/**
 * Lower: the resolved project becomes a Plan of render nodes
 *   source → clip → bus → master → deliverable
 * Each node carries only resolved numbers; timeline positions live in the node that
 * places things (a bus places its clips), so moving an event re-renders its bus and
 * not the clip itself.
 */
import { KIND_VERSIONS } from '../renderers/versions.ts';
import { nodeKey, type NodeKind, type Plan, type PlanNode } from '../plan.ts';
import type { ResolvedProject } from './model.ts';
import { samplesToTimecode } from './timecode.ts';
import { formatNumber, gainToDb } from './units.ts';

/** WAVE_FORMAT_EXTENSIBLE speaker masks per layout. */
const CHANNEL_MASKS: Record<string, number> = { mono: 0x4, stereo: 0x3 };

export function lower(p: ResolvedProject, lineOf: (file: string, offset: number) => number | undefined): Plan {
  const nodes: PlanNode[] = [];
  const byId = new Map<string, PlanNode>();
  const add = (
    id: string,
    kind: NodeKind,
    params: Record<string, unknown>,
    inputs: string[],
    display: Record<string, string>,
    extra: Partial<PlanNode> = {},
  ): PlanNode => {
    const inputKeys = inputs.map((i) => byId.get(i)!.key);
    const node: PlanNode = { id, kind, kindVersion: KIND_VERSIONS[kind], params, inputs, key: nodeKey(kind, KIND_VERSIONS[kind], params, inputKeys), display, ...extra };
    nodes.push(node);
    byId.set(id, node);
    return node;
  };
  const db = (g: number) => `${formatNumber(Math.round(gainToDb(g) * 1000) / 1000)} dB`;
  const secs = (n: number) => `${formatNumber(Math.round((n / p.sampleRate) * 1e6) / 1e6)} s`;
  const tc = (n: number) => samplesToTimecode(n + p.startSamples, p.frameRate, p.sampleRate);
  const origin = (loc: { file: string; range: [number, number] }) => ({ file: loc.file, line: lineOf(loc.file, loc.range[0]) });

  // Sources used by at least one event, in id order.
  const used = new Set(p.events.map((e) => e.source));
  for (const s of [...p.sources.values()].filter((s) => used.has(s.id)).sort((a, b) => cmp(a.id, b.id))) {
    add(
      `source:${s.id}`,
      'source',
      { sha256: s.sha256, channels: s.channels, frames: s.frames, sampleRate: s.sampleRate },
      [],
      { file: s.rel, sha256: s.sha256.slice(0, 12) },
      { file: s.abs, origin: origin(s.loc), inline: true },
    );
  }

  const channels = p.master.channels;
  const events = [...p.events].sort((a, b) => cmp(a.id, b.id));
  for (const e of events) {
    const src = p.sources.get(e.source)!;
    add(
      `clip:${e.id}`,
      'clip',
      {
        in: e.in,
        out: e.out,
        gain: e.gain,
        pan: e.pan,
        fadeIn: e.fadeIn,
        fadeOut: e.fadeOut,
        srcChannels: src.channels,
        channels,
      },
      [`source:${e.source}`],
      {
        source: e.source,
        in: secs(e.in),
        out: secs(e.out),
        gain: db(e.gain),
        pan: formatNumber(e.pan),
        fade_in: `${secs(e.fadeIn.length)} ${e.fadeIn.curve}`,
        fade_out: `${secs(e.fadeOut.length)} ${e.fadeOut.curve}`,
      },
      { origin: origin(e.loc), inline: true },
    );
  }

  // Buses: clips placed on the timeline, in (start, id) order — a fixed summation order.
  const busSpans = new Map<string, { start: number; end: number }>();
  for (const b of [...p.buses.values()].sort((x, y) => cmp(x.id, y.id))) {
    const mine = events.filter((e) => e.bus === b.id).sort((x, y) => x.start - y.start || cmp(x.id, y.id));
    if (mine.length === 0) continue;
    const placements = mine.map((e) => ({ start: e.start, length: e.out - e.in }));
    const start = Math.min(...placements.map((x) => x.start));
    const end = Math.max(...placements.map((x) => x.start + x.length));
    busSpans.set(b.id, { start, end });
    add(
      `bus:${b.id}`,
      'bus',
      { gain: b.gain, channels, sampleRate: p.sampleRate, placements, start, length: end - start },
      mine.map((e) => `clip:${e.id}`),
      {
        gain: db(b.gain),
        stem: b.stem ?? '',
        ...Object.fromEntries(mine.map((e) => [`at ${e.id}`, tc(e.start)])),
      },
      { origin: origin(b.loc) },
    );
  }

  const busIds = [...busSpans.keys()];
  const length = Math.max(...[...busSpans.values()].map((s) => s.end));
  add(
    'master',
    'master',
    {
      gain: 1,
      channels,
      sampleRate: p.sampleRate,
      placements: busIds.map((id) => ({ start: busSpans.get(id)!.start, length: busSpans.get(id)!.end - busSpans.get(id)!.start })),
      start: 0,
      length,
    },
    busIds.map((id) => `bus:${id}`),
    { layout: p.master.layout, length: secs(length) },
    { origin: origin(p.master.loc) },
  );

  add(
    `deliverable:${p.master.file}`,
    'deliverable',
    {
      sampleRate: p.sampleRate,
      channels,
      bits: p.master.bits,
      float: p.master.float,
      channelMask: CHANNEL_MASKS[p.master.layout],
      length,
      bext: {
        description: p.title,
        originator: 'postaudio',
        originatorReference: '',
        originationDate: p.date ?? '',
        originationTime: p.date ? '00:00:00' : '',
        timeReference: p.startSamples,
      },
    },
    ['master'],
    { file: p.master.file, bits: p.master.float ? '32f' : String(p.master.bits), title: p.title },
    { output: p.master.file, origin: origin(p.master.loc) },
  );

  return { version: 1, title: p.title, sampleRate: p.sampleRate, nodes };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
