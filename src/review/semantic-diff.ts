/**
 * The semantic diff of two compiled projects: what changed in the soundtrack, not in
 * the text. Events are matched by id (added, removed, moved, retimed, re-trimmed, any
 * other value changed), sources by id (file, content), buses, deliverables and their
 * targets by name, and every render node whose key differs is listed as invalidated.
 *
 * Values come from the Plan nodes' `display` maps (the same human strings `plan` and
 * `build` explain with) and from the ResolvedProject, so a field added to either shows
 * up here without a change to this file; a node whose key changed for a reason no
 * display value names is reported with the params that differ.
 */
import type { CompileResult } from '../compiler/index.ts';
import type { ResolvedEvent, ResolvedProject } from '../compiler/model.ts';
import { samplesToTimecode } from '../compiler/timecode.ts';
import { canonicalJson, type Plan, type PlanNode } from '../plan.ts';
import { busValues, collectionNames, collectionValues, deliverableValues, flowText, masterValues, projectValues, secs, sourceValues } from './diff-values.ts';

export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface EventRef {
  id: string;
  list: string;
  source: string;
  /** Timecode of the first sample on the timeline. */
  at: string;
  bus: string;
}

export interface Move {
  from: string;
  to: string;
  deltaSeconds: number;
  /** Signed duration as timecode: "+00:00:00:12". */
  deltaTimecode: string;
  /** Signed, in frames (fractional when the move is not a whole number of frames). */
  deltaFrames: number;
}

export interface EventChange {
  id: string;
  list: string;
  /** 'moved' (its `at` changed), 'retimed' (it moved with its `at` unchanged: project start, picture), 're-trimmed', then the other fields. */
  kinds: string[];
  move?: Move;
  changes: FieldChange[];
}

export interface ItemChange {
  id: string;
  changes: FieldChange[];
}

export interface ItemRef {
  id: string;
  values: Record<string, string>;
}

export interface Section<T> {
  added: T[];
  removed: T[];
  changed: ItemChange[];
}

export interface SemanticDiff {
  diffVersion: 1;
  from: string;
  to: string;
  title: string;
  project: FieldChange[];
  events: { added: EventRef[]; removed: EventRef[]; changed: EventChange[] };
  sources: Section<ItemRef>;
  buses: Section<ItemRef>;
  master: FieldChange[];
  deliverables: Section<ItemRef>;
  /** Every other collection of the resolved project, by name (licenses, reverbs, …), entries by id. */
  collections: Record<string, Section<ItemRef>>;
  /** Display changes of other render nodes (stems, loudness, QC, reports, kinds added later). */
  other: ItemChange[];
  /** Render nodes of the new side whose key is new or changed, in plan order; nodes that are gone. */
  invalidated: { nodes: string[]; removed: string[]; total: number };
  /** True when nothing at all differs (no key changed either). */
  same: boolean;
}

export interface DiffSide {
  label: string;
  result: CompileResult;
  /** The picture lock the project names, with its content hash (read by the caller). */
  picture?: { rel: string; sha256: string } | null;
}

type Obj = Record<string, unknown>;

export function semanticDiff(a: DiffSide, b: DiffSide): SemanticDiff {
  const pa = a.result.project!;
  const pb = b.result.project!;
  const planA = a.result.plan!;
  const planB = b.result.plan!;
  const nodesA = new Map(planA.nodes.map((n) => [n.id, n]));
  const nodesB = new Map(planB.nodes.map((n) => [n.id, n]));

  const project = diffValues(projectValues(pa, a.picture), projectValues(pb, b.picture));
  const events = diffEvents(a, b, nodesA, nodesB);
  const sources = diffSection(sourceValues(pa, nodesA), sourceValues(pb, nodesB));
  const buses = diffSection(busValues(pa, nodesA), busValues(pb, nodesB));
  const master = diffValues(masterValues(pa, nodesA), masterValues(pb, nodesB));
  const deliverables = diffSection(deliverableValues(pa, nodesA), deliverableValues(pb, nodesB));
  const other = diffOther(planA, planB);
  const collections: Record<string, Section<ItemRef>> = {};
  for (const name of collectionNames(pa, pb)) {
    const sec = diffSection(collectionValues(pa, name), collectionValues(pb, name));
    if (sec.added.length + sec.removed.length + sec.changed.length) collections[name] = sec;
  }
  const invalidated = {
    nodes: planB.nodes.filter((n) => nodesA.get(n.id)?.key !== n.key).map((n) => n.id),
    removed: planA.nodes.filter((n) => !nodesB.has(n.id)).map((n) => n.id),
    total: planB.nodes.length,
  };
  const same =
    project.length === 0 &&
    events.added.length + events.removed.length + events.changed.length === 0 &&
    [sources, buses, deliverables, ...Object.values(collections)].every((s) => s.added.length + s.removed.length + s.changed.length === 0) &&
    master.length === 0 &&
    other.length === 0 &&
    invalidated.nodes.length + invalidated.removed.length === 0;
  return { diffVersion: 1, from: a.label, to: b.label, title: pb.title, project, events, sources, buses, master, deliverables, collections, other, invalidated, same };
}

// ---------------------------------------------------------------- events

function eventRef(e: ResolvedEvent, p: ResolvedProject): EventRef {
  return { id: e.id, list: e.list, source: e.source, at: samplesToTimecode(e.start + p.startSamples, p.frameRate, p.sampleRate), bus: e.bus };
}

function rawAt(side: DiffSide, e: ResolvedEvent): unknown {
  const list = (side.result.loaded?.value[e.list] as Obj[] | undefined) ?? [];
  const raw = list.find((x) => String(x?.id) === e.id)?.at;
  return typeof raw === 'string' ? raw.trim() : raw ?? null;
}

/** The `at` an event was written with (a timecode, or a picture anchor), as text. */
function writtenAt(side: DiffSide, e: ResolvedEvent): string {
  const list = (side.result.loaded?.value[e.list] as Obj[] | undefined) ?? [];
  const raw = list.find((x) => String(x?.id) === e.id)?.at;
  return typeof raw === 'string' ? raw.trim() : flowText(raw ?? null);
}


function diffEvents(a: DiffSide, b: DiffSide, nodesA: Map<string, PlanNode>, nodesB: Map<string, PlanNode>): SemanticDiff['events'] {
  const pa = a.result.project!;
  const pb = b.result.project!;
  const evA = new Map(pa.events.map((e) => [e.id, e]));
  const evB = new Map(pb.events.map((e) => [e.id, e]));
  const byTime = <T extends { start: number; id: string }>(x: T, y: T) => x.start - y.start || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

  const added = pb.events.filter((e) => !evA.has(e.id)).sort(byTime).map((e) => eventRef(e, pb));
  const removed = pa.events.filter((e) => !evB.has(e.id)).sort(byTime).map((e) => eventRef(e, pa));
  const changed: EventChange[] = [];
  for (const eb of [...pb.events].sort(byTime)) {
    const ea = evA.get(eb.id);
    if (!ea) continue;
    const kinds: string[] = [];
    const changes: FieldChange[] = [];
    let move: Move | undefined;
    const secA = (ea.start + pa.startSamples) / pa.sampleRate;
    const secB = (eb.start + pb.startSamples) / pb.sampleRate;
    const atA = writtenAt(a, ea);
    const atB = writtenAt(b, eb);
    const sameAt = atA === atB || canonicalJson(rawAt(a, ea)) === canonicalJson(rawAt(b, eb));
    if (secA !== secB) {
      move = moveOf(ea, eb, pa, pb);
      kinds.push(sameAt ? 'retimed' : 'moved');
      changes.push({ field: 'at', from: move.from, to: move.to });
    } else if (!sameAt) {
      changes.push({ field: 'at', from: atA, to: atB }); // written differently, same place
    }
    if (ea.list !== eb.list) changes.push({ field: 'list', from: ea.list, to: eb.list });
    if (ea.bus !== eb.bus) changes.push({ field: 'bus', from: ea.bus, to: eb.bus });
    const na = nodesA.get(`clip:${ea.id}`);
    const nb = nodesB.get(`clip:${eb.id}`);
    const shown = diffValues(na?.display ?? {}, nb?.display ?? {});
    if (shown.some((c) => c.field === 'in' || c.field === 'out')) {
      kinds.push('re-trimmed');
      changes.push({ field: 'length', from: secs((ea.out - ea.in) / pa.sampleRate), to: secs((eb.out - eb.in) / pb.sampleRate) });
    }
    changes.push(...shown);
    for (const c of diffValues(humanFields(ea), humanFields(eb))) if (!shown.some((x) => x.field === c.field)) changes.push(c);
    for (const c of changes) if (!['in', 'out', 'at', 'length'].includes(c.field) && !kinds.includes(c.field)) kinds.push(c.field);
    // a key change that no value above explains (a field with no display value yet)
    if (na && nb && na.key !== nb.key && shown.length === 0 && !sourceChanged(na, nb, nodesA, nodesB)) {
      const params = diffParams(na, nb);
      changes.push(...params);
      if (params.length) kinds.push('params');
    }
    if (changes.length) changed.push({ id: eb.id, list: eb.list, kinds, ...(move ? { move } : {}), changes });
  }
  return { added, removed, changed };
}

/** Event fields shown by the clip node's display, or placed by diffEvents itself. */
const EVENT_SHOWN = new Set(['id', 'list', 'source', 'start', 'in', 'out', 'gain', 'azimuth', 'lfe', 'divergence', 'fadeIn', 'fadeOut', 'bus', 'loc', 'sendFollowsDistance']);

/**
 * Event fields a person typed and reads as they are (a license id, a usage, the takes
 * offered, a flag): strings, booleans and lists of strings. Numeric fields are resolved
 * (samples, linear gains) and reach the diff through the clip's display values.
 */
function humanFields(e: ResolvedEvent): Record<string, string> {
  const v: Record<string, string> = {};
  for (const [k, x] of Object.entries(e as unknown as Obj)) {
    if (EVENT_SHOWN.has(k)) continue;
    if (typeof x === 'string' || typeof x === 'boolean') v[k] = String(x);
    else if (Array.isArray(x) && x.every((i) => typeof i === 'string')) v[k] = flowText(x);
  }
  return v;
}

function moveOf(ea: ResolvedEvent, eb: ResolvedEvent, pa: ResolvedProject, pb: ResolvedProject): Move {
  const from = samplesToTimecode(ea.start + pa.startSamples, pa.frameRate, pa.sampleRate);
  const to = samplesToTimecode(eb.start + pb.startSamples, pb.frameRate, pb.sampleRate);
  const deltaSeconds = (eb.start + pb.startSamples) / pb.sampleRate - (ea.start + pa.startSamples) / pa.sampleRate;
  const rate = pb.frameRate;
  const deltaSamples = Math.round(deltaSeconds * pb.sampleRate);
  const sign = deltaSamples < 0 ? '-' : '+';
  return {
    from,
    to,
    deltaSeconds: Math.round(deltaSeconds * 1e6) / 1e6,
    deltaTimecode: `${sign}${samplesToTimecode(Math.abs(deltaSamples), rate, pb.sampleRate)}`,
    deltaFrames: Math.round(((deltaSeconds * rate.num) / rate.den) * 1000) / 1000,
  };
}

function sourceChanged(na: PlanNode, nb: PlanNode, nodesA: Map<string, PlanNode>, nodesB: Map<string, PlanNode>): boolean {
  return na.inputs.some((i, k) => nodesA.get(i)?.key !== nodesB.get(nb.inputs[k])?.key);
}

/** Params that differ between two versions of a node, values shortened for reading. */
function diffParams(na: PlanNode, nb: PlanNode): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(na.params), ...Object.keys(nb.params)])].sort()) {
    const x = na.params[k] === undefined ? null : canonicalJson(na.params[k]);
    const y = nb.params[k] === undefined ? null : canonicalJson(nb.params[k]);
    if (x === y) continue;
    const cut = (s: string | null) => (s !== null && s.length > 60 ? `${s.slice(0, 57)}…` : s);
    out.push({ field: `params.${k}`, from: cut(x), to: cut(y) });
  }
  return out;
}

// ---------------------------------------------------------------- generic

/** Field-by-field changes between two maps of display strings (keys in sorted order). */
export function diffValues(a: Record<string, string>, b: Record<string, string>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[k] ?? null;
    const y = b[k] ?? null;
    if (x !== y) out.push({ field: k, from: x, to: y });
  }
  return out;
}

function diffSection(a: Map<string, Record<string, string>>, b: Map<string, Record<string, string>>): Section<ItemRef> {
  const ids = (m: Map<string, unknown>) => [...m.keys()].sort();
  return {
    added: ids(b).filter((id) => !a.has(id)).map((id) => ({ id, values: b.get(id)! })),
    removed: ids(a).filter((id) => !b.has(id)).map((id) => ({ id, values: a.get(id)! })),
    changed: ids(b)
      .filter((id) => a.has(id))
      .map((id) => ({ id, changes: diffValues(a.get(id)!, b.get(id)!) }))
      .filter((c) => c.changes.length > 0),
  };
}

const SHOWN_ELSEWHERE = new Set(['source', 'clip', 'bus', 'master', 'deliverable']);

function diffOther(a: Plan, b: Plan): ItemChange[] {
  const nodesA = new Map(a.nodes.map((n) => [n.id, n]));
  const out: ItemChange[] = [];
  for (const nb of b.nodes) {
    if (SHOWN_ELSEWHERE.has(nb.kind)) continue;
    const na = nodesA.get(nb.id);
    if (!na) continue;
    const changes = diffValues(na.display, nb.display);
    if (changes.length) out.push({ id: nb.id, changes });
  }
  return out;
}
