/**
 * Music licensing: every cue names its license, and the license must cover the film's
 * release date, its media and territories, grant sync and master rights, and allow the
 * cue's used duration. A gap is a PA4xx error at the cue's line.
 */
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import type { PathSeg } from './load.ts';
import type { ResolvedEvent } from './model.ts';
import { durationToSamples, parseAs } from './units.ts';
import type { FrameRate } from './timecode.ts';
import { closest } from './validate-schema.ts';

type Obj = Record<string, unknown>;

export interface LicensePerson {
  name: string;
  role: string | null;
  share: string | null;
  pro: string | null;
  ipi: string | null;
}

export interface ResolvedLicense {
  id: string;
  title: string;
  composers: LicensePerson[];
  publishers: LicensePerson[];
  rights: string[];
  media: string[];
  territory: 'worldwide' | string[];
  term: { from: string | null; to: string | null };
  maxDuration: number | null;
  usage: string | null;
}

const people = (raw: unknown, role: string): LicensePerson[] =>
  ((raw as Obj[] | undefined) ?? []).map((p) => ({
    name: String(p.name),
    role: (p.role as string | undefined) ?? role,
    share: (p.share as string | undefined) ?? null,
    pro: (p.pro as string | undefined) ?? null,
    ipi: (p.ipi as string | undefined) ?? null,
  }));

export function resolveLicenses(
  v: Obj,
  events: ResolvedEvent[],
  eventPath: Map<string, PathSeg[]>,
  ctx: { sink: DiagnosticSink; at: (p: PathSeg[]) => Loc; sampleRate: number; rate: FrameRate },
): Map<string, ResolvedLicense> {
  const { sink, at, sampleRate } = ctx;
  const out = new Map<string, ResolvedLicense>();
  for (const id of Object.keys((v.licenses as Obj | undefined) ?? {}).sort()) {
    const l = (v.licenses as Obj)[id] as Obj;
    let maxDuration: number | null = null;
    if (l.max_duration !== undefined) {
      const q = parseAs(l.max_duration as string, ['s', 'f']);
      if ('error' in q) sink.error('PA106', `license '${id}': max_duration: ${q.error}`, at(['licenses', id, 'max_duration']));
      else maxDuration = durationToSamples(q, sampleRate, ctx.rate);
    }
    const term = (l.term as Obj | undefined) ?? {};
    out.set(id, {
      id,
      title: String(l.title),
      composers: people(l.composers, 'C'),
      publishers: people(l.publishers, 'E'),
      rights: (l.rights as string[]) ?? [],
      media: (l.media as string[]) ?? [],
      territory: l.territory === 'worldwide' ? 'worldwide' : ((l.territory as string[]) ?? []),
      term: { from: (term.from as string | undefined) ?? null, to: (term.to as string | undefined) ?? null },
      maxDuration,
      usage: (l.usage as string | undefined) ?? null,
    });
  }

  const proj = v.project as Obj;
  const release = (proj.release as string | undefined) ?? null;
  const media = (proj.media as string[] | undefined) ?? [];
  const territory = (proj.territory as string[] | undefined) ?? [];
  const secs = (n: number) => `${(n / sampleRate).toFixed(2)} s`;
  for (const e of events) {
    if (e.list !== 'music') continue;
    const p = eventPath.get(e.id)!;
    if (e.license === null) {
      sink.warning('PA400', `cue '${e.id}' has no license`, at(p), 'add license: <id> (see licenses:) before the music is cleared');
      continue;
    }
    const l = out.get(e.license);
    const lp = [...p, 'license'];
    if (!l) {
      const near = closest(e.license, out.keys());
      sink.error('PA402', `cue '${e.id}': unknown license '${e.license}'`, at(lp), near ? `did you mean '${near}'?` : 'define it under licenses:');
      continue;
    }
    for (const right of ['sync', 'master']) {
      if (!l.rights.includes(right)) sink.error('PA407', `cue '${e.id}': license '${l.id}' does not grant ${right} rights`, at(lp));
    }
    if (release) {
      if (l.term.to && l.term.to < release) sink.error('PA403', `cue '${e.id}': license '${l.id}' expires ${l.term.to}, before the release on ${release}`, at(lp));
      if (l.term.from && l.term.from > release) sink.error('PA403', `cue '${e.id}': license '${l.id}' starts ${l.term.from}, after the release on ${release}`, at(lp));
    }
    const missingMedia = l.media.includes('all') ? [] : media.filter((m) => !l.media.includes(m));
    if (missingMedia.length) sink.error('PA404', `cue '${e.id}': license '${l.id}' does not cover ${missingMedia.join(', ')}`, at(lp), `it covers: ${l.media.join(', ') || 'no media'}`);
    if (l.territory !== 'worldwide') {
      const missing = territory.filter((t) => !(l.territory as string[]).includes(t));
      if (missing.length) sink.error('PA405', `cue '${e.id}': license '${l.id}' does not cover ${missing.join(', ')}`, at(lp), `it covers: ${(l.territory as string[]).join(', ')}`);
    }
    const used = e.out - e.in;
    if (l.maxDuration !== null && used > l.maxDuration) {
      sink.error('PA406', `cue '${e.id}' uses ${secs(used)} of '${l.title}', longer than the ${secs(l.maxDuration)} the license '${l.id}' allows`, at(p));
    }
  }
  return out;
}
