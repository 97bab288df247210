/**
 * Mix automation: breakpoints on a parameter of an event or a bus.
 *
 *   <event>.gain | .pan (.azimuth) | .distance
 *   <event, bus or reverb return>.gain
 *   <event or bus>.send.<reverb>          the level of a send to a reverb
 *   <event or bus>.eq.<band>.gain         an EQ band of the target's `process:`, by name or
 *                                         number from 1 (counted over every eq in the chain)
 *
 * A point's time is a timecode (absolute), or — on an event — a duration from the event's
 * start ("1.5 s", "12f"), which moves with the event when the picture moves it. Gains and
 * sends are dB, interpolated in dB, and ride on top of the static level (a trim): an event at
 * −6 dB automated to −3 dB plays at −9 dB; a send that does not exist yet starts at 0 dB, so its
 * points are its level. An EQ band's points are the band's gain itself (dB, interpolated in dB,
 * coefficients recomputed per sample), as pan and distance points are the pan and the distance.
 */
import type { DiagnosticSink, Loc } from './diagnostics.ts';
import type { PathSeg } from './load.ts';
import type { AutomationPoint, ResolvedBus, ResolvedEvent, ResolvedReverb } from './model.ts';
import { parseTimecode, framesToSamples, type FrameRate } from './timecode.ts';
import { durationToSamples, parseAs } from './units.ts';
import { closest } from './validate-schema.ts';

type Obj = Record<string, unknown>;

export interface AutomationContext {
  sink: DiagnosticSink;
  at: (p: PathSeg[]) => Loc;
  rate: FrameRate;
  sampleRate: number;
  startSamples: number;
  events: Map<string, ResolvedEvent>;
  /** every event id in the project, resolved or not (an event with errors is not a second error here) */
  eventIds: Set<string>;
  buses: Map<string, ResolvedBus>;
  reverbs: Map<string, ResolvedReverb>;
  /** The raw `process:` list of an event or a bus (for band names). */
  rawProcess: (kind: 'event' | 'bus', id: string) => Obj[] | undefined;
}

/** EQ band automation carried in an eq step's params; times relative to the chain's frame 0. */
export interface EqAutomation {
  /** index in the step's `bands` */
  band: number;
  points: AutomationPoint[];
}

type Param = { kind: 'gain' } | { kind: 'pan' } | { kind: 'distance' } | { kind: 'send'; reverb: string } | { kind: 'eq'; band: string };

function parseTarget(target: string): { who: string; param: Param } | null {
  let m = /^(.+)\.send\.([^.]+)$/.exec(target);
  if (m) return { who: m[1], param: { kind: 'send', reverb: m[2] } };
  m = /^(.+)\.eq\.([^.]+)\.gain$/.exec(target);
  if (m) return { who: m[1], param: { kind: 'eq', band: m[2] } };
  m = /^(.+)\.(gain|pan|azimuth|distance)$/.exec(target);
  if (m) return { who: m[1], param: { kind: m[2] === 'azimuth' ? 'pan' : (m[2] as 'gain' | 'pan' | 'distance') } };
  return null;
}

const CURVES = ['linear', 'exponential', 's-curve', 'hold'];

export function resolveAutomation(raw: Obj[] | undefined, ctx: AutomationContext): void {
  const { sink, at } = ctx;
  const seen = new Map<string, number>(); // parameter → the entry that automates it
  (raw ?? []).forEach((a, i) => {
    const p: PathSeg[] = ['automation', i];
    const target = String(a.target);
    const parsed = parseTarget(target);
    if (!parsed) {
      sink.error('PA215', `automation target '${target}' names no parameter (gain, pan, distance, send.REVERB, eq.BAND.gain)`, at([...p, 'target']));
      return;
    }
    const { who, param } = parsed;
    const ev = ctx.events.get(who);
    const bus = ev ? undefined : ctx.buses.get(who);
    const reverb = ev || bus ? undefined : ctx.reverbs.get(who);
    if (!ev && !bus && !reverb && ctx.eventIds.has(who)) return; // the event has errors of its own
    if (!ev && !bus && !reverb) {
      const near = closest(who, [...ctx.events.keys(), ...ctx.buses.keys(), ...ctx.reverbs.keys()]);
      sink.error('PA215', `automation target '${who}' is neither an event nor a bus`, at([...p, 'target']), near ? `did you mean '${near}'?` : undefined);
      return;
    }
    if (reverb) {
      // a reverb return is a bus whose only fader is its gain
      if (param.kind !== 'gain') {
        sink.error('PA215', `reverb '${who}': a reverb return's gain is what can be automated`, at([...p, 'target']));
        return;
      }
      const points = readPoints(a, p, target, 'dB', null, ctx);
      if (!points) return;
      if (seen.has(`reverb ${who}`)) sink.warning('PA217', `automation of ${target}: entry ${seen.get(`reverb ${who}`)! + 1} automates the same parameter; this entry replaces it`, at([...p, 'target']), 'merge the points into one entry');
      seen.set(`reverb ${who}`, i);
      reverb.gainAutomation = points;
      return;
    }
    if (bus && (param.kind === 'pan' || param.kind === 'distance')) {
      sink.error('PA215', `bus '${who}': a bus has no ${param.kind}; automate its gain, a send or an EQ band`, at([...p, 'target']));
      return;
    }
    if (param.kind === 'send' && !ctx.reverbs.has(param.reverb)) {
      const near = closest(param.reverb, ctx.reverbs.keys());
      sink.error('PA211', `automation of ${target}: send to unknown reverb '${param.reverb}'`, at([...p, 'target']), near ? `did you mean '${near}'?` : 'define it under reverbs:');
      return;
    }
    // EQ band: find it in the target's chain (steps are the raw process list, one each)
    let eqAt: { step: number; band: number } | null = null;
    if (param.kind === 'eq') {
      eqAt = findBand(ctx, ev ? 'event' : 'bus', who, param.band, (msg) => sink.error('PA215', `automation of ${target}: ${msg}`, at([...p, 'target'])));
      if (!eqAt) return;
    }

    const key = `${ev ? 'event' : 'bus'} ${who} ${param.kind} ${param.kind === 'send' ? param.reverb : eqAt ? `${eqAt.step}.${eqAt.band}` : ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      sink.warning('PA217', `automation of ${target}: entry ${first + 1} automates the same parameter; this entry replaces it`, at([...p, 'target']), 'merge the points into one entry');
    }
    seen.set(key, i);

    const unit = param.kind === 'pan' ? 'deg' : param.kind === 'distance' ? 'm' : 'dB';
    const points = readPoints(a, p, target, unit, ev ?? null, ctx);
    if (!points) return;

    if (param.kind === 'gain') {
      if (ev) ev.gainAutomation = points;
      else bus!.gainAutomation = points;
    } else if (param.kind === 'pan') ev!.azimuthKeys = { t: points.map((x) => x.t), value: points.map((x) => x.value) };
    else if (param.kind === 'distance') ev!.distance = { t: points.map((x) => x.t), value: points.map((x) => x.value) };
    else if (param.kind === 'send') {
      const owner = ev ?? bus!;
      owner.sendAutomation[param.reverb] = points;
      if (owner.sends[param.reverb] === undefined) owner.sends[param.reverb] = 1;
    } else {
      const steps = ev ? ev.process : bus!.process;
      const st = steps[eqAt!.step];
      const list = ((st.params.automation as EqAutomation[] | undefined) ?? []).filter((x) => x.band !== eqAt!.band);
      list.push({ band: eqAt!.band, points });
      list.sort((x, y) => x.band - y.band);
      steps[eqAt!.step] = { ...st, params: { ...st.params, automation: list } };
    }
  });
}

/** The step and band index of an EQ band named `band` (or numbered from 1 over every eq of the chain). */
function findBand(ctx: AutomationContext, kind: 'event' | 'bus', who: string, band: string, fail: (msg: string) => void): { step: number; band: number } | null {
  const raw = ctx.rawProcess(kind, who) ?? [];
  const all: { step: number; band: number; name?: string; type: string }[] = [];
  raw.forEach((item, step) => {
    const eq = (item as Obj).eq as Obj | undefined;
    if (!eq) return;
    ((eq.bands as Obj[] | undefined) ?? []).forEach((b, j) => all.push({ step, band: j, name: b.name as string | undefined, type: String(b.type) }));
  });
  if (all.length === 0) {
    fail(`${kind} '${who}' has no eq in its process`);
    return null;
  }
  const n = /^[0-9]+$/.test(band) ? Number(band) : NaN;
  const hit = Number.isInteger(n) ? all[n - 1] : all.find((b) => b.name === band);
  if (!hit) {
    const names = all.map((b, k) => b.name ?? String(k + 1));
    fail(Number.isInteger(n) ? `${kind} '${who}' has ${all.length} EQ band${all.length === 1 ? '' : 's'}, not ${n}` : `${kind} '${who}' has no EQ band named '${band}' (bands: ${names.join(', ')})`);
    return null;
  }
  if (!['peaking', 'lowshelf', 'highshelf'].includes(hit.type)) {
    fail(`EQ band ${band} is a ${hit.type}: only peaking and shelf bands have a gain`);
    return null;
  }
  return { step: hit.step, band: hit.band };
}

/** The breakpoints of one automation entry, in samples relative to the event's start (or the timeline for a bus). */
function readPoints(a: Obj, p: PathSeg[], target: string, unit: 'dB' | 'deg' | 'm', ev: ResolvedEvent | null, ctx: AutomationContext): AutomationPoint[] | null {
  const { sink, at, rate, sampleRate, startSamples } = ctx;
  const origin = ev ? ev.start : 0;
  const points: AutomationPoint[] = [];
  let ok = true;
  (a.points as unknown[][]).forEach((pt, j) => {
    const pp: PathSeg[] = [...p, 'points', j];
    const text = String(pt[0]);
    let t: number;
    if (text.includes(':')) {
      const tc = parseTimecode(text, rate);
      if ('error' in tc) {
        sink.error('PA207', `automation of ${target}: ${tc.error}`, at([...pp, 0]));
        ok = false;
        return;
      }
      t = framesToSamples(tc.frames, rate, sampleRate) - startSamples - origin;
    } else {
      const q = parseAs(text, ['s', 'f']);
      if ('error' in q || !ev) {
        const why = 'error' in q ? q.error : 'a time on a bus is a timecode';
        sink.error('PA207', `automation of ${target}: ${why} (a point's time is a timecode like "01:00:10:00"${ev ? ', or a duration from the event\'s start like "1.5 s"' : ''})`, at([...pp, 0]));
        ok = false;
        return;
      }
      t = durationToSamples(q, sampleRate, rate);
    }
    const q = parseAs(String(pt[1]), [unit]);
    if ('error' in q) {
      sink.error('PA106', `automation of ${target}: ${q.error}`, at([...pp, 1]));
      ok = false;
      return;
    }
    if (unit === 'm' && q.value <= 0) {
      sink.error('PA106', `automation of ${target}: a distance must be greater than 0 m`, at([...pp, 1]));
      ok = false;
      return;
    }
    if (unit === 'deg' && !(q.value >= -180 && q.value <= 180)) {
      sink.error('PA106', `automation of ${target}: ${q.value} deg is not an azimuth (-180 deg .. 180 deg)`, at([...pp, 1]));
      ok = false;
      return;
    }
    if (points.length && t <= points[points.length - 1].t) {
      sink.error('PA209', `automation of ${target}: breakpoints must be in time order`, at([...pp, 0]));
      ok = false;
      return;
    }
    const curve = (pt[2] ?? 'linear') as AutomationPoint['curve'];
    if (!CURVES.includes(curve)) {
      sink.error('PA106', `automation of ${target}: unknown curve '${String(pt[2])}' (linear, exponential, s-curve, hold)`, at([...pp, 2]));
      ok = false;
      return;
    }
    points.push({ t, value: q.value, curve });
  });
  return ok ? points : null;
}
