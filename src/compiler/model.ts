/**
 * The resolved project: every human unit turned into numbers (samples, linear gains),
 * every reference checked. Nothing after `resolve` parses a string.
 */
import type { Loc } from './diagnostics.ts';
import type { ResolvedLicense } from './resolve-licenses.ts';
import type { EventPicture } from './resolve-picture.ts';
import type { Atmosphere, Keyframes, ProcStep } from './resolve-sound.ts';
import type { ResolvedTarget } from './targets.ts';
import type { FrameRate } from './timecode.ts';

export type FadeCurve = 'linear' | 'equal-power';
export interface Fade {
  /** Length in samples (0 = no fade). */
  length: number;
  curve: FadeCurve;
}

export type Layout = 'mono' | 'stereo' | 'LCR' | '5.1' | '7.1';
export const LAYOUT_CHANNELS: Record<Layout, number> = { mono: 1, stereo: 2, LCR: 3, '5.1': 6, '7.1': 8 };

export interface ResolvedSource {
  id: string;
  /** Absolute path: used to read the file, never part of a key. */
  abs: string;
  /** Path relative to the project folder (posix). */
  rel: string;
  sha256: string;
  size: number;
  /** The file's own rate; it is resampled to the project rate when they differ. */
  sampleRate: number;
  channels: number;
  /** Length at the project rate (after resampling). */
  frames: number;
  /** Length in the file. */
  fileFrames: number;
  /** Restoration chain run once on the whole source (hum, declick, denoise, rumble). */
  restore: ProcStep[];
  loc: Loc;
}

export type EventList = 'dialogue' | 'sfx' | 'foley' | 'music';
export const EVENT_LISTS: EventList[] = ['dialogue', 'sfx', 'foley', 'music'];

export interface ResolvedEvent {
  id: string;
  list: EventList;
  source: string;
  /** Timeline position of the first sample, counted from the project start. */
  start: number;
  /** Source range [in, out) in source frames. */
  in: number;
  out: number;
  gain: number;
  /** Degrees: 0 centre, −30 left speaker, +30 right, ±110 surrounds (positive = right). */
  azimuth: number;
  /** Linear send to the LFE channel. */
  lfe: number;
  /** 0 = point source, 1 = spread over every full-range speaker. */
  divergence: number;
  fadeIn: Fade;
  fadeOut: Fade;
  bus: string;
  /** Processor chain on the event (before distance and pan). */
  process: ProcStep[];
  /** Metres: a constant or keyframes over the event; null = no distance model. */
  distance: number | Keyframes | null;
  doppler: boolean;
  /** Attenuation law for `distance` (null = inverse, 1 m, rolloff 1). */
  distanceModel: { model: 'inverse' | 'linear' | 'exponential'; refDistance: number; rolloff: number; maxDistance: number } | null;
  /** The air for the distance model (ISO 9613-1 conditions); null = 20 °C, 50 %, 101.325 kPa. */
  atmosphere: Atmosphere | null;
  /** Azimuth keyframes (degrees) overriding `azimuth`, from `pan:` keyframes or automation. */
  azimuthKeys: Keyframes | null;
  /** Gain automation (dB keyframes with curves, event-relative samples). */
  gainAutomation: AutomationPoint[] | null;
  /** Reverb sends: reverb id → linear level. */
  sends: Record<string, number>;
  /** Send automation: reverb id → dB breakpoints (event-relative), riding on the level in `sends`. */
  sendAutomation: Record<string, AutomationPoint[]>;
  /** The reverb named by `reverb:`, whose send level follows the distance (null: none). */
  sendFollowsDistance: string | null;
  /** Music edit (segments of the source back to back); null = the in/out range. */
  edit: { from: number; to: number; repeat: number; crossfade: number }[] | null;
  /** Foley: the takes offered and the chosen one. */
  takes: string[] | null;
  license: string | null;
  usage: string | null;
  /** Picture-anchored events: the shot the anchor resolved to, and what was trimmed at its cuts. */
  picture?: EventPicture;
  loc: Loc;
}

export interface AutomationPoint {
  /** samples, relative to the automated thing's start (event start, or the timeline for buses) */
  t: number;
  value: number;
  curve: 'linear' | 'exponential' | 's-curve' | 'hold';
}

export interface ResolvedReverb {
  id: string;
  step: ProcStep;
  stem: string;
  gain: number;
  /** The return's fader automation (dB breakpoints, timeline samples). */
  gainAutomation: AutomationPoint[] | null;
  loc: Loc;
}

export interface ResolvedBus {
  id: string;
  stem: string | null;
  gain: number;
  process: ProcStep[];
  sends: Record<string, number>;
  /** Send automation: reverb id → dB breakpoints (timeline samples), riding on the level in `sends`. */
  sendAutomation: Record<string, AutomationPoint[]>;
  gainAutomation: AutomationPoint[] | null;
  loc: Loc;
}

export interface ResolvedDeliverable {
  name: string;
  file: string;
  layout: Layout;
  channels: number;
  downmix: 'loro' | 'ltrt';
  bits: 16 | 24 | 32;
  float: boolean;
  target: ResolvedTarget | null;
  limiter: boolean;
  /** One file per stem (file holds {stem}); null for a full mix. */
  stems: string[] | null;
  /** Only these stems (the M&E); null for all. */
  mix: string[] | null;
  loc: Loc;
}

export interface ResolvedMaster {
  layout: Layout;
  channels: number;
  deliverables: ResolvedDeliverable[];
  /** `master.layback`: lay a deliverable back onto the picture reference after a build (null: none). */
  layback: ResolvedLayback | null;
  loc: Loc;
}

export interface ResolvedLayback {
  /** the picture reference: absolute (to read), and relative to the project (to show) */
  video: string;
  videoRel: string;
  sha256: string;
  /** the deliverable laid back, by name */
  deliverable: string;
  /** the movie's file name in the output folder */
  file: string;
  loc: Loc;
}

export interface ResolvedProject {
  formatVersion: 1;
  title: string;
  release: string | null;
  production: string | null;
  sampleRate: number;
  frameRate: FrameRate;
  /** Project start as samples since midnight (BWF TimeReference). */
  startSamples: number;
  startTimecode: string;
  date: string | null;
  root: string;
  projectFile: string;
  sources: Map<string, ResolvedSource>;
  buses: Map<string, ResolvedBus>;
  reverbs: Map<string, ResolvedReverb>;
  licenses: Map<string, ResolvedLicense>;
  events: ResolvedEvent[];
  master: ResolvedMaster;
  /** Every file the project was read from (YAML), relative, in load order. */
  files: string[];
}
