/**
 * Resolve the master: its layout, the loudness targets (project-defined or presets) and
 * the deliverables, with every problem reported at its line.
 */
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import type { PathSeg } from './load.ts';
import { LAYOUT_CHANNELS, type Layout, type ResolvedDeliverable, type ResolvedMaster } from './model.ts';
import { TARGET_PRESETS, type ResolvedTarget } from './targets.ts';
import { parseAs } from './units.ts';
import { closest } from './validate-schema.ts';

type Obj = Record<string, unknown>;

/** Layouts in the order the downmix chain folds them: 7.1 → 5.1 → LCR → stereo → mono. */
const LAYOUT_ORDER: Layout[] = ['mono', 'stereo', 'LCR', '5.1', '7.1'];

export function resolveMaster(m: Obj, sink: DiagnosticSink, at: (p: PathSeg[]) => Loc, stemNames: Set<string>): ResolvedMaster {
  const hasDialogue = stemNames.has('dialogue');
  const layout = m.layout as Layout;
  const level = (raw: unknown, p: PathSeg[], units: ('LUFS' | 'LU' | 'dBTP' | 'dBFS')[]): number | undefined => {
    const q = parseAs(raw as string, units);
    if ('error' in q) {
      sink.error('PA106', `${p.slice(1).join('.')}: ${q.error}`, at(p));
      return undefined;
    }
    return q.value;
  };

  // ---- targets
  const targets = new Map<string, ResolvedTarget>();
  const rawTargets = (m.targets as Obj | undefined) ?? {};
  for (const name of Object.keys(rawTargets).sort()) {
    const t = rawTargets[name] as Obj;
    const p: PathSeg[] = ['master', 'targets', name];
    const integrated = level(t.integrated, [...p, 'integrated'], ['LUFS']);
    const tolerance = t.tolerance === undefined ? 1 : level(t.tolerance, [...p, 'tolerance'], ['LU']);
    const truePeak = level(t.true_peak, [...p, 'true_peak'], ['dBTP', 'dBFS']);
    const lraMax = t.lra_max === undefined ? null : level(t.lra_max, [...p, 'lra_max'], ['LU']);
    if (truePeak !== undefined && truePeak > 0) {
      sink.error('PA511', `target '${name}': a true-peak ceiling of ${truePeak} dBTP is above full scale`, at([...p, 'true_peak']), 'ceilings are 0 dBTP or lower, e.g. "-1 dBTP"');
    }
    if (tolerance !== undefined && tolerance < 0) sink.error('PA106', `target '${name}': tolerance cannot be negative`, at([...p, 'tolerance']));
    if (integrated === undefined || tolerance === undefined || truePeak === undefined || lraMax === undefined) continue;
    targets.set(name, { name, integrated, tolerance, truePeak, lraMax, basis: (t.basis as 'program' | 'dialogue' | undefined) ?? 'program' });
  }
  const targetOf = (raw: unknown, p: PathSeg[]): ResolvedTarget | null | undefined => {
    if (raw === undefined) return null;
    const name = String(raw);
    const t = targets.get(name) ?? TARGET_PRESETS[name];
    if (!t) {
      const near = closest(name, [...targets.keys(), ...Object.keys(TARGET_PRESETS)]);
      sink.error('PA510', `unknown target '${name}'`, at(p), near ? `did you mean '${near}'?` : `define it under master.targets, or use a preset: ${Object.keys(TARGET_PRESETS).join(', ')}`);
      return undefined;
    }
    if (t.basis === 'dialogue' && !hasDialogue) {
      sink.error('PA514', `target '${name}' is measured on dialogue, but no bus feeds the dialogue stem`, at(p), "give the dialogue bus 'stem: dialogue', or use basis: program");
      return undefined;
    }
    return t;
  };

  // ---- deliverables (the `file:` shorthand is one deliverable at the master's layout)
  const raws: { d: Obj; p: PathSeg[] }[] = [];
  if (m.file !== undefined) raws.push({ d: { name: 'main', file: m.file, bits: m.bits, target: m.target }, p: ['master'] });
  ((m.deliverables as Obj[] | undefined) ?? []).forEach((d, i) => raws.push({ d, p: ['master', 'deliverables', i] }));
  if (raws.length === 0) {
    sink.error('PA104', 'master has no deliverables', at(['master']), 'add `file: mix.wav` or a `deliverables:` list');
  }
  const deliverables: ResolvedDeliverable[] = [];
  const files = new Map<string, Loc>();
  const names = new Set<string>();
  for (const { d, p } of raws) {
    const name = String(d.name);
    const file = String(d.file);
    const fileLoc = at(p.length === 1 ? [...p, 'file'] : [...p, 'file']);
    if (files.has(file.toLowerCase())) sink.error('PA201', `two deliverables write ${file}`, fileLoc);
    files.set(file.toLowerCase(), fileLoc);
    if (names.has(name)) sink.error('PA201', `deliverable name '${name}' is used twice`, at([...p, 'name']));
    names.add(name);
    const dl = (d.layout as Layout | undefined) ?? layout;
    if (LAYOUT_ORDER.indexOf(dl) > LAYOUT_ORDER.indexOf(layout)) {
      sink.error('PA513', `deliverable '${name}': cannot make ${dl} from a ${layout} master: that would be an upmix, not a downmix`, at([...p, 'layout']), 'a deliverable has the master layout or a smaller one');
      continue;
    }
    const downmix = (d.downmix as 'loro' | 'ltrt' | undefined) ?? 'loro';
    if (downmix === 'ltrt' && !(dl === 'stereo' && (layout === '5.1' || layout === '7.1'))) {
      sink.error('PA513', `deliverable '${name}': an Lt/Rt downmix folds a 5.1 or 7.1 master into stereo`, at([...p, 'downmix']));
      continue;
    }
    if (d.stems !== undefined && !file.includes('{stem}')) {
      sink.error('PA515', `deliverable '${name}': a stems deliverable writes one file per stem, so its file name needs {stem}, e.g. "film-{stem}.wav"`, at([...p, 'file']));
      continue;
    }
    if (d.stems !== undefined && d.mix !== undefined) {
      sink.error('PA515', `deliverable '${name}': give stems or mix, not both`, at([...p, 'mix']));
      continue;
    }
    for (const [k, list] of [['stems', d.stems], ['mix', d.mix]] as const) {
      ((list as string[] | undefined) ?? []).forEach((st, j) => {
        if (!stemNames.has(st)) sink.error('PA516', `deliverable '${name}': no bus feeds the stem '${st}'`, at([...p, k, j]), `stems in this project: ${[...stemNames].sort().join(', ') || 'none'}`);
      });
    }
    const target = targetOf(d.target, [...p, 'target']);
    if (target === undefined) continue;
    const bitsRaw = d.bits ?? 24;
    deliverables.push({
      name,
      file,
      layout: dl,
      channels: LAYOUT_CHANNELS[dl],
      downmix,
      bits: bitsRaw === '32f' ? 32 : (bitsRaw as 16 | 24),
      float: bitsRaw === '32f',
      target,
      limiter: d.limiter === undefined ? target !== null : Boolean(d.limiter) && target !== null,
      stems: (d.stems as string[] | undefined) ?? null,
      mix: (d.mix as string[] | undefined) ?? null,
      loc: at(p),
    });
  }
  return { layout, channels: LAYOUT_CHANNELS[layout], deliverables, layback: null, loc: at(['master']) };
}
