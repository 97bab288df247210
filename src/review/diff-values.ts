/**
 * The values the semantic diff compares, as reviewers read them: the project's own fields,
 * sources, buses, master, deliverables and every other collection of the resolved project,
 * each as a map of display strings (so a field added to the model shows up by itself).
 */
import type { ResolvedDeliverable, ResolvedProject } from '../compiler/model.ts';
import { formatNumber, gainToDb } from '../compiler/units.ts';
import type { PlanNode } from '../plan.ts';

type Obj = Record<string, unknown>;

export const db = (g: number) => `${formatNumber(Math.round(gainToDb(g) * 1000) / 1000)} dB`;
export const secs = (x: number) => `${formatNumber(Math.round(x * 1e6) / 1e6)} s`;

/** Fields of the project shown through other names, or not part of the soundtrack. */
const PROJECT_SKIP = new Set(['formatVersion', 'root', 'projectFile', 'startSamples', 'startTimecode', 'sampleRate', 'frameRate', 'files']);

/** The project's own values: every plain field of the resolved project (so a new one shows up), in human units where known. */
export function projectValues(p: ResolvedProject, picture?: { rel: string; sha256: string } | null): Record<string, string> {
  const v: Record<string, string> = { sample_rate: `${p.sampleRate} Hz`, frame_rate: p.frameRate.name, start: p.startTimecode };
  for (const [k, x] of Object.entries(p as unknown as Obj)) {
    if (PROJECT_SKIP.has(k)) continue;
    if (x === null || x === undefined) v[k] = '';
    else if (typeof x !== 'object' || (Array.isArray(x) && x.every((i) => typeof i !== 'object'))) v[k] = plainText(x);
  }
  if (picture !== undefined) v.picture = picture ? `${picture.rel} (sha256 ${picture.sha256.slice(0, 12)}…)` : '';
  return v;
}

/** A value as reviewers read it: numbers without float noise, lists and maps as flow YAML. */
export function plainText(x: unknown): string {
  return typeof x === 'number' ? formatNumber(x) : flowText(x);
}

/** Maps of the resolved project that have their own section, or none. */
const COLLECTIONS_SHOWN = new Set(['sources', 'buses']);

export function collectionNames(a: ResolvedProject, b: ResolvedProject): string[] {
  const names = new Set<string>();
  for (const p of [a, b]) for (const [k, x] of Object.entries(p as unknown as Obj)) if (x instanceof Map && !COLLECTIONS_SHOWN.has(k)) names.add(k);
  return [...names].sort();
}

/** Entries of a collection (licenses, reverbs, …) as display strings, one per field. */
export function collectionValues(p: ResolvedProject, name: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const m = (p as unknown as Obj)[name];
  if (!(m instanceof Map)) return out;
  for (const [id, entry] of m as Map<string, unknown>) {
    const v: Record<string, string> = {};
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      for (const [k, x] of Object.entries(entry as Obj)) if (k !== 'id' && k !== 'loc' && x !== undefined) v[k] = plainText(x);
    } else v.value = plainText(entry);
    out.set(String(id), v);
  }
  return out;
}

export function sourceValues(p: ResolvedProject, nodes: Map<string, PlanNode>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const s of p.sources.values()) {
    // the source node's own values (restoration, resampling, …); file and hash are shown below
    const { file: _file, sha256: _sha, ...shown } = nodes.get(`source:${s.id}`)?.display ?? {};
    out.set(s.id, {
      ...shown,
      file: s.rel,
      content: `sha256 ${s.sha256.slice(0, 12)}…`,
      size: `${s.size} bytes`,
      format: `${s.sampleRate} Hz, ${s.channels === 1 ? 'mono' : s.channels === 2 ? 'stereo' : `${s.channels} ch`}`,
      length: secs(s.frames / s.sampleRate),
    });
  }
  return out;
}

export function busValues(p: ResolvedProject, nodes: Map<string, PlanNode>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const b of p.buses.values()) {
    const shown = Object.fromEntries(Object.entries(nodes.get(`bus:${b.id}`)?.display ?? {}).filter(([k]) => !k.startsWith('at ')));
    out.set(b.id, { ...shown, stem: b.stem ?? '', gain: db(b.gain) });
  }
  return out;
}

export function masterValues(p: ResolvedProject, nodes: Map<string, PlanNode>): Record<string, string> {
  return { ...(nodes.get('master')?.display ?? {}), layout: p.master.layout };
}

/** Deliverable fields shown above under their own names, or not part of the file. */
const DELIVERABLE_SHOWN = new Set(['name', 'file', 'layout', 'channels', 'downmix', 'bits', 'float', 'target', 'limiter', 'loc']);

const TARGET_UNITS: Record<string, string> = { integrated: 'LUFS', tolerance: 'LU', truePeak: 'dBTP', lraMax: 'LU' };

export function deliverableValues(p: ResolvedProject, nodes: Map<string, PlanNode>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const d of p.master.deliverables) {
    const v: Record<string, string> = { ...(nodes.get(`deliverable:${d.file}`)?.display ?? {}) };
    delete v.title; // the project title, reported once
    Object.assign(v, deliverableFields(d));
    out.set(d.name, v);
  }
  return out;
}

function deliverableFields(d: ResolvedDeliverable): Record<string, string> {
  const v: Record<string, string> = { file: d.file, layout: d.layout, bits: d.float ? '32f' : String(d.bits), limiter: d.limiter ? 'on' : 'off' };
  if (d.channels > 2 || d.layout === 'stereo') v.downmix = d.downmix;
  // every other field of the deliverable (stems, mix, …), as written
  for (const [k, x] of Object.entries(d as unknown as Obj)) {
    if (!DELIVERABLE_SHOWN.has(k) && x !== undefined) v[k] = x === null ? '' : plainText(x);
  }
  v.target = d.target ? d.target.name : 'none';
  if (d.target) {
    for (const [k, val] of Object.entries(d.target as unknown as Obj)) {
      if (k === 'name' || val === null || val === undefined) continue;
      v[`target.${k}`] = typeof val === 'number' ? `${formatNumber(val)}${TARGET_UNITS[k] ? ` ${TARGET_UNITS[k]}` : ''}` : String(val);
    }
  }
  return v;
}

/** A YAML value as one line of flow YAML, keys in the author's order: { shot: SC01_SH02, offset: 4.5 s }. */
export function flowText(v: unknown): string {
  if (v === null || v === undefined) return '~';
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  if (typeof v === 'object') return `{ ${Object.entries(v as Obj).map(([k, x]) => `${k}: ${flowText(x)}`).join(', ')} }`;
  return String(v);
}
