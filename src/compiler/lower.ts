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
import type { ResolvedDeliverable, ResolvedProject } from './model.ts';
import type { EqAutomation } from './resolve-automation.ts';
import type { ProcStep } from './resolve-sound.ts';
import { speedOfSound } from '../renderers/dsp/distance.ts';
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

  // IR files are read through their content hash: the path is not part of any key.
  const irFiles: Record<string, string> = {};
  const keyed = (steps: ProcStep[]) =>
    steps.map((st) => {
      if (!st.ir) return st;
      irFiles[st.ir.sha256] = st.ir.abs;
      return { ...st, ir: { sha256: st.ir.sha256, frames: st.ir.frames } };
    });
  const describe = (steps: ProcStep[]) => steps.map((st) => st.name).join(' → ');
  /** Frames a chain keeps sounding after its input ends (reverb tails), generous so nothing audible is cut. */
  const tailOf = (steps: ProcStep[]) =>
    steps.reduce((n, st) => {
      if (st.name !== 'reverb') return n;
      const pre = Math.ceil(((st.params.preDelaySec as number) ?? 0) * sampleRate);
      if (st.ir) return n + pre + st.ir.frames;
      return n + pre + Math.ceil(((st.params.decaySec as number) * 1.5 + 0.2) * sampleRate);
    }, 0);

  // Sources used by at least one event, in id order. Plain files are read inline; a source that
  // needs resampling or restoration is rendered once and cached.
  const used = new Set(p.events.map((e) => e.source));
  for (const s of [...p.sources.values()].filter((x) => used.has(x.id)).sort((a, b) => cmp(a.id, b.id))) {
    const heavy = s.restore.length > 0 || s.sampleRate !== sampleRate;
    add(
      `source:${s.id}`,
      'source',
      { sha256: s.sha256, channels: s.channels, frames: s.frames, fileFrames: s.fileFrames, fileRate: s.sampleRate, sampleRate, restore: keyed(s.restore) },
      [],
      { file: s.rel, sha256: s.sha256.slice(0, 12), ...(s.restore.length ? { restore: describe(s.restore) } : {}), ...(s.sampleRate !== sampleRate ? { rate: `${s.sampleRate} Hz → ${sampleRate} Hz` } : {}) },
      { file: s.abs, origin: origin(s.loc), inline: !heavy, ...(s.restore.some((x) => x.ir) ? { irFiles } : {}) },
    );
  }

  const events = [...p.events].sort((a, b) => cmp(a.id, b.id));
  const clipLen = new Map<string, number>();
  for (const e of events) {
    const src = p.sources.get(e.source)!;
    const maxDistance = e.distance === null ? 0 : typeof e.distance === 'number' ? e.distance : Math.max(...e.distance.value);
    const length = e.out - e.in + tailOf(e.process) + (e.doppler ? Math.ceil((maxDistance / Math.min(331, speedOfSound(e.atmosphere?.temperatureC ?? 20) - 12)) * sampleRate) + 8 : 0);
    clipLen.set(e.id, length);
    const heavy = e.process.length > 0 || e.distance !== null || e.doppler;
    const kf = (k: { t: number[]; value: number[] }) => k.t.map((t, i) => `${secs(t)}: ${formatNumber(k.value[i])}`).join(', ');
    add(
      `clip:${e.id}`,
      'clip',
      {
        in: e.in,
        out: e.out,
        length,
        gain: e.gain,
        azimuth: e.azimuth,
        lfe: e.lfe,
        divergence: e.divergence,
        fadeIn: e.fadeIn,
        fadeOut: e.fadeOut,
        srcChannels: src.channels,
        layout,
        channels,
        edit: e.edit,
        process: keyed(e.process),
        distance: e.distance,
        doppler: e.doppler,
        ...(e.distanceModel ? { distanceModel: e.distanceModel } : {}),
        ...(e.atmosphere ? { atmosphere: e.atmosphere } : {}),
        azimuthKeys: e.azimuthKeys,
        gainAutomation: e.gainAutomation,
      },
      [`source:${e.source}`],
      {
        source: e.source,
        ...(e.takes ? { take: `${e.source} (${e.takes.indexOf(e.source) + 1} of ${e.takes.length})` } : {}),
        ...(e.edit ? { edit: e.edit.map((x) => `${secs(x.from)}–${secs(x.to)}${x.repeat > 1 ? ` ×${x.repeat}` : ''}`).join(', ') } : { in: secs(e.in), out: secs(e.out) }),
        gain: db(e.gain),
        pan: e.azimuthKeys ? `keyframes ${kf({ t: e.azimuthKeys.t, value: e.azimuthKeys.value })} deg` : `${formatNumber(Math.round(e.azimuth * 1000) / 1000)} deg`,
        ...(e.lfe ? { lfe: db(e.lfe) } : {}),
        ...(e.divergence ? { divergence: formatNumber(e.divergence) } : {}),
        ...(e.distance !== null ? { distance: typeof e.distance === 'number' ? `${formatNumber(e.distance)} m` : `keyframes ${kf(e.distance)} m` } : {}),
        ...(e.doppler ? { doppler: 'on' } : {}),
        ...(e.atmosphere ? { atmosphere: `${formatNumber(e.atmosphere.temperatureC)} °C, ${formatNumber(e.atmosphere.relativeHumidity)} %, ${formatNumber(e.atmosphere.pressureKpa)} kPa` } : {}),
        ...(e.distanceModel ? { distance_model: `${e.distanceModel.model}, ${formatNumber(e.distanceModel.refDistance)} m, rolloff ${formatNumber(e.distanceModel.rolloff)}` } : {}),
        ...(e.process.length ? { process: describe(e.process) } : {}),
        ...(e.gainAutomation ? { automation: e.gainAutomation.map((x) => `${tc(x.t + e.start)} ${formatNumber(x.value)} dB ${x.curve}`).join(', ') } : {}),
        ...eqDisplay(e.process, (t) => tc(t + e.start)),
        ...Object.fromEntries(
          Object.keys(e.sends)
            .sort()
            .map((r) => {
              const moving = e.sendFollowsDistance === r && e.distance !== null && typeof e.distance === 'object';
              const auto = e.sendAutomation[r];
              return [`send ${r}`, `${moving ? 'following the distance' : db(e.sends[r])}${auto ? `, automated ${auto.map((x) => `${tc(x.t + e.start)} ${formatNumber(x.value)} dB ${x.curve}`).join(', ')}` : ''}`];
            }),
        ),
        fade_in: `${secs(e.fadeIn.length)} ${e.fadeIn.curve}`,
        fade_out: `${secs(e.fadeOut.length)} ${e.fadeOut.curve}`,
      },
      { origin: origin(e.loc), inline: !heavy, ...(e.process.some((x) => x.ir) ? { irFiles } : {}) },
    );
  }

  // Buses: clips placed on the timeline, in (start, id) order — a fixed summation order.
  // A plain bus is summed inline by its reader; a bus with processing is rendered and cached.
  const spans = new Map<string, { start: number; end: number }>();
  const stemOf = new Map<string, string | null>();
  const busNode = (
    id: string,
    places: Place[],
    opts: { gain: number; process: ProcStep[]; automation: { t: number; value: number; curve: string }[] | null; sidechain: string | null; stem: string | null; loc: Loc },
  ) => {
    places.sort((x, y) => x.start - y.start || cmp(x.node, y.node));
    const start = Math.min(...places.map((x) => x.start));
    const end = Math.max(...places.map((x) => x.start + x.length)) + tailOf(opts.process);
    spans.set(id, { start, end });
    stemOf.set(id, opts.stem);
    const inputs = places.map((x) => x.node);
    const sc = opts.sidechain ? `bus:${opts.sidechain}` : null;
    if (sc) inputs.push(sc);
    add(
      id,
      'bus',
      {
        gain: opts.gain,
        channels,
        sampleRate,
        placements: places.map((x) => ({
          start: x.start,
          length: x.length,
          ...(x.gain !== 1 ? { gain: x.gain } : {}),
          ...(x.automation ? { automation: x.automation } : {}),
          ...(x.distance ? { distance: x.distance } : {}),
        })),
        start,
        length: end - start,
        process: keyed(shiftEq(opts.process, -start)),
        automation: opts.automation ? opts.automation.map((a) => ({ ...a, t: a.t - start })) : null,
        sidechain: sc ? places.length : null,
        sidechainStart: sc ? spans.get(sc)!.start : null,
      },
      inputs,
      {
        gain: db(opts.gain),
        stem: opts.stem ?? '',
        ...(opts.process.length ? { process: describe(opts.process) } : {}),
        ...(sc ? { sidechain: sc } : {}),
        ...(opts.automation ? { automation: opts.automation.map((x) => `${tc(x.t)} ${formatNumber(x.value)} dB ${x.curve}`).join(', ') } : {}),
        ...eqDisplay(opts.process, (t) => tc(t)),
        ...Object.fromEntries(
          places.map((x) => [
            x.label,
            `${tc(x.start)}${x.gain !== 1 ? ` at ${db(x.gain)}` : ''}${x.distance ? ' following the distance' : ''}${x.automation ? `, automated ${x.automation.map((a) => `${tc(a.t + x.start)} ${formatNumber(a.value)} dB ${a.curve}`).join(', ')}` : ''}`,
          ]),
        ),
      },
      { origin: origin(opts.loc), inline: opts.process.length === 0, ...(opts.process.some((x) => x.ir) ? { irFiles } : {}) },
    );
  };
  // side-chain sources render before the buses they duck
  const busOrder = [...p.buses.values()].sort((x, y) => {
    const xs = x.process.some((st) => st.sidechain === y.id);
    const ys = y.process.some((st) => st.sidechain === x.id);
    return xs && !ys ? 1 : ys && !xs ? -1 : cmp(x.id, y.id);
  });
  for (const b of busOrder) {
    const mine = events.filter((e) => e.bus === b.id);
    if (mine.length === 0) continue;
    const sc = b.process.find((st) => st.sidechain)?.sidechain ?? null;
    busNode(
      `bus:${b.id}`,
      mine.map((e) => ({ node: `clip:${e.id}`, start: e.start, length: clipLen.get(e.id)!, gain: 1, label: `at ${e.id}`, automation: null, distance: null })),
      { gain: b.gain, process: b.process, automation: b.gainAutomation, sidechain: sc && spans.has(`bus:${sc}`) ? sc : null, stem: b.stem, loc: b.loc },
    );
  }
  // Reverbs: shared returns fed by event and bus sends.
  for (const r of [...p.reverbs.values()].sort((x, y) => cmp(x.id, y.id))) {
    const places = [
      ...events
        .filter((e) => e.sends[r.id] !== undefined)
        .map((e): Place => ({
          node: `clip:${e.id}`,
          start: e.start,
          length: clipLen.get(e.id)!,
          gain: e.sends[r.id],
          label: `send ${e.id}`,
          // event-relative times are placement-relative: the clip starts with the event
          automation: e.sendAutomation[r.id] ?? null,
          distance: e.sendFollowsDistance === r.id && e.distance !== null && typeof e.distance === 'object' ? e.distance : null,
        })),
      ...[...p.buses.values()]
        .filter((b) => b.sends[r.id] !== undefined && spans.has(`bus:${b.id}`))
        .map((b): Place => {
          const span = spans.get(`bus:${b.id}`)!;
          const auto = b.sendAutomation[r.id];
          return { node: `bus:${b.id}`, start: span.start, length: span.end - span.start, gain: b.sends[r.id], label: `send ${b.id}`, automation: auto ? auto.map((a) => ({ ...a, t: a.t - span.start })) : null, distance: null };
        }),
    ];
    if (places.length === 0) continue;
    busNode(`bus:${r.id}`, places, { gain: r.gain, process: [r.step], automation: r.gainAutomation, sidechain: null, stem: r.stem, loc: r.loc });
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

  const busIds = [...spans.keys()].sort();
  const stemNode = (name: string): string => {
    const id = `stem:${name}`;
    if (!byId.has(id)) {
      const members = busIds.filter((b) => stemOf.get(b) === name);
      // from the timeline's start, like the master: a stem deliverable reads it from frame 0
      mixOf(id, 'stem', members, { buses: members.join(', ') }, p.master.loc, true);
    }
    return id;
  };
  const master = mixOf('master', 'master', busIds, { layout, length: secs(Math.max(...busIds.map((b) => spans.get(b)!.end))) }, p.master.loc, true);
  const length = master.params.length as number;

  const qcIds: string[] = [];
  const loudnessOf = new Map<string, string>();
  // Stems and the M&E take the mastering gain of the full-mix deliverable of their layout,
  // so they sum to it (before its limiter).
  const reference = (l: string) => p.master.deliverables.find((d) => !d.stems && !d.mix && d.target && d.layout === l);
  const deliver = (d: ResolvedDeliverable, file: string, signal: string, gainFrom: string | null, label: string) => {
    const route = { from: layout, to: d.layout, downmix: d.downmix };
    const inputs = [signal];
    if (d.target) {
      const basis = d.target.basis === 'dialogue' ? stemNode('dialogue') : 'master';
      const lid = `loudness:${d.name}`;
      if (!byId.has(lid)) add(lid, 'loudness', { ...route, sampleRate }, [basis], { basis: d.target.basis, layout: d.layout }, { origin: origin(d.loc) });
      loudnessOf.set(d.name, lid);
      inputs.push(lid);
    } else if (gainFrom) inputs.push(gainFrom);
    const ref = reference(d.layout);
    const target = d.target ? { integrated: d.target.integrated, truePeak: d.target.truePeak } : !d.target && gainFrom && ref?.target ? { integrated: ref.target.integrated, truePeak: ref.target.truePeak } : null;
    const del = add(
      `deliverable:${file}`,
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
        bext: { description: ascii(`${p.title}${label}`), originator: 'postaudio', originatorReference: d.name, originationDate: p.date ?? '', originationTime: p.date ? '00:00:00' : '', timeReference: p.startSamples },
      },
      inputs,
      { file, layout: d.layout, bits: d.float ? '32f' : String(d.bits), target: d.target ? `${d.target.name} ${d.target.integrated} LUFS, ${d.target.truePeak} dBTP` : gainFrom ? `gain of ${gainFrom}` : 'none', title: p.title },
      { output: file, origin: origin(d.loc) },
    );
    add(`qc:${file}`, 'qc', { name: d.name, file, layout: d.layout, sampleRate, target: d.target, frames: length, channels: d.channels }, d.target ? [del.id, `loudness:${d.name}`] : [del.id], { target: d.target?.name ?? 'none' }, { origin: origin(d.loc) });
    qcIds.push(`qc:${file}`);
  };
  for (const d of [...p.master.deliverables].sort((x, y) => Number(Boolean(x.stems || x.mix)) - Number(Boolean(y.stems || y.mix)))) {
    const ref = reference(d.layout);
    const gainFrom = (d.stems || d.mix) && ref && !d.target ? (loudnessOf.get(ref.name) ?? null) : null;
    if (d.stems) {
      for (const st of d.stems) deliver({ ...d, limiter: d.target ? d.limiter : false }, d.file.replace('{stem}', st), stemNode(st), gainFrom, ` - ${st} stem`);
    } else if (d.mix) {
      const members = d.mix.map(stemNode);
      const id = `mix:${d.name}`;
      add(id, 'stem', { gain: 1, channels, sampleRate, placements: members.map((m) => ({ start: spans.get(m)!.start, length: spans.get(m)!.end - spans.get(m)!.start })), start: 0, length }, members, { stems: d.mix.join(', ') }, { origin: origin(d.loc), inline: true });
      spans.set(id, { start: 0, end: length });
      deliver({ ...d, limiter: d.target ? d.limiter : false }, d.file, id, gainFrom, ` - ${d.name}`);
    } else deliver(d, d.file, 'master', null, '');
  }
  // A mix read by several nodes (the master under a printmaster, a stereo fold-down and their
  // loudness analyses; a bus under the master and its stem) is stored once instead of being
  // summed again by every reader. Keys are unaffected: storing never changes the audio.
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const n of nodes) {
    if (n.inline && (n.kind === 'bus' || n.kind === 'stem' || n.kind === 'master') && (readers.get(n.id) ?? 0) >= 2) n.inline = false;
  }

  add('report:qc', 'report', { title: p.title }, qcIds, { deliverables: String(qcIds.length) }, { bundle: true, origin: origin(p.master.loc) });

  return { version: 1, title: p.title, sampleRate, nodes };
}

/** A mix input: where it sits, its level, and what moves its level (dB automation, a distance-following send). */
interface Place {
  node: string;
  start: number;
  length: number;
  gain: number;
  label: string;
  /** dB breakpoints, times relative to the placement's start */
  automation: { t: number; value: number; curve: string }[] | null;
  /** distance keyframes (relative to the placement's start): the send level follows them */
  distance: { t: number[]; value: number[] } | null;
}

/** EQ band automation moved by `delta` samples (a bus's chain starts at the bus's first sample, not the timeline's). */
function shiftEq(steps: ProcStep[], delta: number): ProcStep[] {
  if (delta === 0) return steps;
  return steps.map((st) => {
    const auto = st.params.automation as EqAutomation[] | undefined;
    return auto ? { ...st, params: { ...st.params, automation: auto.map((a) => ({ ...a, points: a.points.map((pt) => ({ ...pt, t: pt.t + delta })) })) } } : st;
  });
}

/** `plan` lines for automated EQ bands: "eq band 2 automation: 01:00:10:00 0 dB linear, …". */
function eqDisplay(steps: ProcStep[], at: (t: number) => string): Record<string, string> {
  const out: Record<string, string> = {};
  steps.forEach((st, k) => {
    for (const a of (st.params.automation as EqAutomation[] | undefined) ?? []) {
      out[`eq ${k + 1} band ${a.band + 1}`] = a.points.map((pt) => `${at(pt.t)} ${formatNumber(pt.value)} dB ${pt.curve}`).join(', ');
    }
  });
  return out;
}

/** BWF text fields are ASCII: other characters become '?'. */
function ascii(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '?');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
