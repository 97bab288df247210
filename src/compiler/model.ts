/**
 * The resolved project: every human unit turned into numbers (samples, linear gains),
 * every reference checked. Nothing after `resolve` parses a string.
 */
import type { Loc } from './diagnostics.ts';
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
  sampleRate: number;
  channels: number;
  frames: number;
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
  loc: Loc;
}

export interface ResolvedBus {
  id: string;
  stem: string | null;
  gain: number;
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
  loc: Loc;
}

export interface ResolvedMaster {
  layout: Layout;
  channels: number;
  deliverables: ResolvedDeliverable[];
  loc: Loc;
}

export interface ResolvedProject {
  formatVersion: 1;
  title: string;
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
  events: ResolvedEvent[];
  master: ResolvedMaster;
  /** Every file the project was read from (YAML), relative, in load order. */
  files: string[];
}
