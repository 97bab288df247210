/** The conform report as Markdown (for a pull request) and as JSON (for tools). */
import { formatShift, type ConformReport, type EventChange, type EventStatus } from './report.ts';

const ORDER: EventStatus[] = ['dropped', 'flagged', 'unresolved', 'trimmed', 'moved', 'picture-changed'];

const WORDS: Record<EventStatus, string> = {
  dropped: 'dropped',
  flagged: 'flagged',
  unresolved: 'unresolved against the old lock',
  trimmed: 'trimmed',
  moved: 'moved',
  'picture-changed': 'on timecodes over changed picture',
  unchanged: 'unchanged',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function position(p: EventChange['old']): string {
  if (!p) return '—';
  const trim = p.trim ? ` (trimmed ${[p.trim.head ? `head ${p.trim.head.toFixed(3)} s` : '', p.trim.tail ? `tail ${p.trim.tail.toFixed(3)} s` : ''].filter(Boolean).join(', ')})` : '';
  return `${p.start}${trim}`;
}

function result(e: EventChange): string {
  const bold = e.status === 'dropped' || e.status === 'flagged' || e.status === 'unresolved' ? `**${e.status}**${e.code ? ` (${e.code})` : ''}: ` : '';
  const why = bold && e.why.startsWith(`${e.status}: `) ? e.why.slice(e.status.length + 2) : e.why;
  return `${bold}${why}`;
}

export function conformMarkdown(r: ConformReport): string {
  const out: string[] = [];
  out.push(`## Picture conform: \`${r.from.file}\` → \`${r.to.file}\``);
  out.push('');
  const name = (l: ConformReport['from']) => `${l.title ? `${l.title} ` : ''}(${l.format === 'otio' ? 'OpenTimelineIO' : 'CMX3600'}, ${l.shots} shots)`;
  out.push(`${name(r.from)} → ${name(r.to)}, ${r.frameRate}, project \`${r.project}\`.`);
  out.push('');
  const counts = [...ORDER, 'unchanged' as EventStatus].filter((s) => r.summary[s] > 0).map((s) => `${r.summary[s]} ${WORDS[s]}`);
  out.push(`**Events:** ${counts.length ? counts.join(' · ') : 'none'}`);
  out.push('');

  const listed = ORDER.flatMap((s) => r.events.filter((e) => e.status === s));
  if (listed.length) {
    out.push('### Events');
    out.push('');
    out.push('| event | where | at | old | new | shift | what happens |');
    out.push('|---|---|---|---|---|---|---|');
    for (const e of listed) {
      const shift = e.shift ? formatShift(e.shift) : '—';
      out.push(`| \`${cell(e.id)}\` | ${cell(`${e.file}:${e.line}`)} | ${cell(e.anchor)} | ${cell(position(e.old))} | ${cell(position(e.new))} | ${cell(shift)} | ${cell(result(e))} |`);
    }
    out.push('');
  }
  const same = r.events.filter((e) => e.status === 'unchanged');
  if (same.length) {
    out.push(`<details><summary>${same.length} event${same.length === 1 ? '' : 's'} unchanged</summary>`);
    out.push('');
    out.push(same.map((e) => `\`${e.id}\``).join(', '));
    out.push('');
    out.push('</details>');
    out.push('');
  }

  out.push('### Picture changes');
  out.push('');
  const changed = r.shots.filter((s) => s.status !== 'unchanged');
  if (changed.length === 0) {
    out.push('The two locks show the same picture at the same positions.');
  } else {
    out.push('| shot | reel | old | new | change |');
    out.push('|---|---|---|---|---|');
    for (const s of changed) {
      const label = `${String(s.index).padStart(3, '0')}${s.name ? ` ${s.name}` : ''}`;
      const range = (x: { in: string; out: string } | null) => (x ? `${x.in}–${x.out}` : '—');
      out.push(`| ${cell(label)} | ${cell(s.reel)} | ${range(s.old)} | ${range(s.new)} | ${cell(s.change)} |`);
    }
    const unchanged = r.shots.length - changed.length;
    if (unchanged) {
      out.push('');
      out.push(`${unchanged} shot${unchanged === 1 ? '' : 's'} unchanged.`);
    }
  }
  out.push('');
  return out.join('\n');
}

export function conformJson(r: ConformReport, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...r, ...extra });
}
