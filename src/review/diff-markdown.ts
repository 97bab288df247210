/**
 * The semantic diff as Markdown, for a pull-request comment: a heading, one short line
 * per change grouped by what a reviewer thinks in (events in timeline order, sources,
 * buses, master and deliverables), the audio comparison when rendered, and the render
 * nodes that will re-render, folded away.
 */
import type { AudioComparison } from './audio-diff.ts';
import type { EventRef, FieldChange, ItemRef, Section, SemanticDiff } from './semantic-diff.ts';

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const show = (v: string | null) => (v === null || v === '' ? '—' : v);

function changeText(c: FieldChange): string {
  if (c.from === null || c.from === '') return `${c.field} ${show(c.to)} (new)`;
  if (c.to === null || c.to === '') return `${c.field} removed (was ${show(c.from)})`;
  return `${c.field} ${show(c.from)} → ${show(c.to)}`;
}

function eventLine(e: EventRef): string {
  return `${code(e.source)} at ${e.at} on ${e.bus}`;
}

function section(title: string, s: Section<ItemRef>, describe: (i: ItemRef) => string): string[] {
  if (s.added.length + s.removed.length + s.changed.length === 0) return [];
  const lines = [`#### ${title}`, ''];
  for (const i of s.added) lines.push(`- **${i.id}** added: ${describe(i)}`);
  for (const i of s.removed) lines.push(`- **${i.id}** removed (was ${describe(i)})`);
  for (const i of s.changed) lines.push(`- **${i.id}**: ${i.changes.map(changeText).join('; ')}`);
  lines.push('');
  return lines;
}

export function diffMarkdown(d: SemanticDiff, audio?: AudioComparison[]): string {
  const lines: string[] = [`### postaudio diff: ${d.title}, ${code(d.from)} → ${code(d.to)}`, ''];
  if (d.same && !audio?.some((a) => a.status !== 'same')) {
    lines.push('No change to the soundtrack: every render node has the same key.', '');
    return lines.join('\n');
  }
  const ev = d.events;
  const nEv = ev.added.length + ev.removed.length + ev.changed.length;
  if (d.project.length) lines.push('#### Project', '', ...d.project.map((c) => `- ${changeText(c)}`), '');
  if (nEv) {
    lines.push(`#### Events (${[ev.added.length && `${ev.added.length} added`, ev.removed.length && `${ev.removed.length} removed`, ev.changed.length && `${ev.changed.length} changed`].filter(Boolean).join(', ')})`, '');
    for (const e of ev.added) lines.push(`- **${e.id}** (${e.list}) added: ${eventLine(e)}`);
    for (const e of ev.removed) lines.push(`- **${e.id}** (${e.list}) removed (was ${eventLine(e)})`);
    for (const e of ev.changed) {
      const parts: string[] = [];
      if (e.move) {
        const frames = `, ${e.move.deltaFrames > 0 ? '+' : ''}${e.move.deltaFrames}f`;
        parts.push(`${e.kinds.includes('retimed') ? 'retimed' : 'moved'} ${e.move.deltaTimecode} (${e.move.deltaSeconds > 0 ? '+' : ''}${e.move.deltaSeconds} s${frames}): ${e.move.from} → ${e.move.to}`);
      }
      const rest = e.changes.filter((c) => !(e.move && c.field === 'at'));
      if (rest.length) parts.push(rest.map(changeText).join('; '));
      lines.push(`- **${e.id}** (${e.list}): ${parts.join('; ')}`);
    }
    lines.push('');
  }
  lines.push(...section('Sources', d.sources, (i) => `${code(i.values.file ?? '')}, ${i.values.length ?? ''}`));
  lines.push(...section('Buses', d.buses, (i) => `stem ${show(i.values.stem ?? '')}, gain ${i.values.gain ?? ''}`));
  if (d.master.length) lines.push('#### Master', '', ...d.master.map((c) => `- ${changeText(c)}`), '');
  lines.push(...section('Deliverables', d.deliverables, (i) => `${code(i.values.file ?? '')}, ${i.values.layout ?? ''}, target ${i.values.target ?? 'none'}`));
  for (const [name, sec] of Object.entries(d.collections)) {
    lines.push(...section(name[0].toUpperCase() + name.slice(1), sec, (i) => Object.entries(i.values).slice(0, 3).map(([k, v]) => `${k} ${show(v)}`).join(', ')));
  }
  if (d.other.length) {
    lines.push('#### Other render nodes', '');
    for (const o of d.other) lines.push(`- ${code(o.id)}: ${o.changes.map(changeText).join('; ')}`);
    lines.push('');
  }
  if (audio?.length) lines.push(...audioMarkdown(audio));
  const inv = d.invalidated;
  if (inv.nodes.length || inv.removed.length) {
    lines.push(`<details><summary>Re-renders ${inv.nodes.length} of ${inv.total} render nodes${inv.removed.length ? `; ${inv.removed.length} removed` : ''}</summary>`, '');
    const byKind = new Map<string, string[]>();
    for (const id of inv.nodes) {
      const i = id.indexOf(':');
      const kind = i < 0 ? id : id.slice(0, i);
      byKind.set(kind, [...(byKind.get(kind) ?? []), i < 0 ? id : id.slice(i + 1)]);
    }
    for (const [kind, ids] of byKind) lines.push(`- ${kind}: ${ids.map(code).join(', ')}`);
    if (inv.removed.length) lines.push(`- removed: ${inv.removed.map(code).join(', ')}`);
    lines.push('', '</details>', '');
  } else {
    lines.push('Nothing re-renders: every render node keeps its key.', '');
  }
  return lines.join('\n');
}

const signed = (v: number | null, unit: string) => (v === null ? '—' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)} ${unit}`);

function audioMarkdown(audio: AudioComparison[]): string[] {
  const lines = ['#### Audio', '', `Null test: where the two renders differ by more than ${audio[0]?.thresholdDb ?? -60} dBFS, in ${audio[0]?.windowMs ?? 100} ms windows.`, ''];
  lines.push('| deliverable | Δ integrated | Δ true peak | Δ LRA | differs at |', '|---|---|---|---|---|');
  for (const a of audio) {
    if (a.status !== 'compared') {
      lines.push(`| ${code(a.file)} | | | | ${a.status === 'same' ? 'identical (same bytes)' : a.note ?? a.status} |`);
      continue;
    }
    const ranges = a.ranges.length === 0 ? 'nowhere (nulls)' : a.ranges.map((r) => `${r.from}–${r.to}`).join(', ');
    const matched = a.levelMatched && a.levelMatched.gainDb !== 0 ? `<br>after matching level (${a.levelMatched.gainDb > 0 ? '+' : ''}${a.levelMatched.gainDb} dB): ${a.levelMatched.ranges.length === 0 ? 'nowhere' : a.levelMatched.ranges.map((r) => `${r.from}–${r.to}`).join(', ')}` : '';
    lines.push(`| ${code(a.file)} | ${signed(a.delta.integrated, 'LU')} | ${signed(a.delta.truePeak, 'dB')} | ${signed(a.delta.lra, 'LU')} | ${ranges}${matched} |`);
  }
  lines.push('');
  return lines;
}
