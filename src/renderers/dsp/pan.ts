import { LAYOUTS, type LayoutName } from './layouts.ts';

/**
 * Panning and channel mapping to the master layout.
 *
 * panMatrix: the mono/stereo pan control (the clip renderer's), unchanged.
 *
 * Mono source → stereo: constant-power pan law, θ = (p + 1)·π/4 for p ∈ [−1, 1],
 *   gL = cos θ, gR = sin θ, so gL² + gR² = 1 (−3.01 dB each at centre).
 * Stereo source → stereo: balance. The side panned away from is attenuated by
 *   cos(|p|·π/2); the other side is untouched, so p = 0 passes the source through.
 * Any source → mono: the mean of its channels (a stereo source's correlated
 *   content keeps its level). Pan is ignored in mono.
 *
 * Returns the matrix m[out][in] as a flat array (out-major): out[o] = Σ_i m[o·inCh + i]·in[i].
 */
export function panMatrix(pan: number, inChannels: number, outChannels: number): Float64Array {
  const m = new Float64Array(inChannels * outChannels);
  if (outChannels === 1) {
    for (let i = 0; i < inChannels; i++) m[i] = 1 / inChannels;
    return m;
  }
  if (outChannels !== 2) throw new RangeError(`unsupported output layout: ${outChannels} channels`);
  const p = Math.max(-1, Math.min(1, pan));
  if (inChannels === 1) {
    const theta = ((p + 1) * Math.PI) / 4;
    m[0] = Math.cos(theta);
    m[1] = Math.sin(theta);
    return m;
  }
  if (inChannels === 2) {
    const away = Math.cos((Math.abs(p) * Math.PI) / 2);
    m[0] = p > 0 ? away : 1; // L out ← L in
    m[3] = p < 0 ? away : 1; // R out ← R in
    return m;
  }
  throw new RangeError(`unsupported source layout: ${inChannels} channels`);
}

// ---- azimuth panning over a layout's speakers ---------------------------------------------------

/**
 * Azimuth panning to any layout (layouts.ts for the speaker positions; azimuth in
 * degrees, 0° = front centre, positive to the right, any finite value, wrapped to
 * (−180°, 180°]).
 *
 * Pairwise constant-power panning (2-D VBAP with the sin/cos law). The full-range
 * speakers (the LFE is never part of the ring) are sorted by azimuth; a source at
 * θ between adjacent speakers at θ1 < θ2 feeds only those two:
 *
 *   φ = (θ − θ1)/(θ2 − θ1) · π/2,   g1 = cos φ,   g2 = sin φ,   g1² + g2² = 1,
 *
 * so the radiated power Σ g² is 1 at every azimuth and a source exactly at a
 * speaker (φ = 0) feeds that speaker alone. With the stereo pair at ±30° this is
 * panMatrix's mono law with p = θ/30° (φ = (p + 1)·π/4).
 *
 * Rings. 5.1 and 7.1 surround the listener: the ring wraps, and the rear pair
 * (5.1 Rs +110° → Ls −110°, a 140° gap; 7.1 Rrs → Lrs, 90°) pans across the back.
 * Stereo and LCR have no speaker behind ±30°, so we fold the rear half-plane onto
 * the front (θ → 180° − θ: a source behind-right at 150° sounds where the front
 * pair can put it, at 30°; 180° folds to 0°) and clamp to the outermost speakers
 * (θ beyond ±30° feeds L or R alone). A mirrored source keeps its side and its
 * power; front/back is what two front speakers cannot render. Mono returns [1].
 *
 * Divergence d ∈ [0, 1] spreads the source over all N full-range speakers in the
 * power domain:  g_i = √((1 − d)·p_i² + d/N),  where p_i are the pairwise gains,
 * so Σ g_i² = (1 − d) + d = 1 for every d; d = 0 is the point source, d = 1 feeds
 * every full-range speaker 1/√N.
 *
 * lfeSend (linear, ≥ 0) is the gain into the LFE channel, outside the power sum;
 * a non-zero send to a layout without an LFE is an error, not a silent drop.
 */
export interface AzimuthPanOptions {
  /** 0 = point source (default), 1 = equal power to every full-range speaker. */
  divergence?: number;
  /** Linear gain into the LFE channel (default 0). */
  lfeSend?: number;
}

/** A layout's full-range speakers sorted by azimuth. */
interface Ring {
  readonly channels: number;
  /** Channel index of each ring speaker, ascending azimuth. */
  readonly index: Int32Array;
  /** Azimuths, ascending, in (−180, 180]. */
  readonly az: Float64Array;
  /** True if no speaker is behind ±90° (fold the rear onto the front, clamp). */
  readonly frontal: boolean;
  readonly lfe: number | null;
}

function makeRing(name: LayoutName): Ring {
  const l = LAYOUTS[name];
  const speakers: { ch: number; az: number }[] = [];
  l.azimuths.forEach((az, ch) => {
    if (az !== null) speakers.push({ ch, az });
  });
  speakers.sort((a, b) => a.az - b.az);
  return {
    channels: l.channels,
    index: Int32Array.from(speakers.map((s) => s.ch)),
    az: Float64Array.from(speakers.map((s) => s.az)),
    frontal: speakers.every((s) => Math.abs(s.az) < 90),
    lfe: l.lfe,
  };
}

const RINGS: Readonly<Record<LayoutName, Ring>> = {
  mono: makeRing('mono'),
  stereo: makeRing('stereo'),
  LCR: makeRing('LCR'),
  '5.1': makeRing('5.1'),
  '7.1': makeRing('7.1'),
};

function ringOf(layout: LayoutName): Ring {
  const r = RINGS[layout];
  if (r === undefined) throw new RangeError(`unknown layout '${String(layout)}'`);
  return r;
}

function checkOptions(ring: Ring, layout: LayoutName, opts: AzimuthPanOptions | undefined): void {
  const d = opts?.divergence ?? 0;
  if (!(d >= 0 && d <= 1)) throw new RangeError(`divergence must be within [0, 1]: got ${d}`);
  const lfe = opts?.lfeSend ?? 0;
  if (!(lfe >= 0 && Number.isFinite(lfe))) throw new RangeError(`lfeSend must be a finite gain ≥ 0: got ${lfe}`);
  if (lfe > 0 && ring.lfe === null) throw new RangeError(`lfeSend ${lfe}: layout ${layout} has no LFE channel`);
}

/** Wraps an azimuth in degrees to (−180, 180]. */
export function wrapAzimuth(azimuthDeg: number): number {
  let a = azimuthDeg % 360;
  if (a > 180) a -= 360;
  else if (a <= -180) a += 360;
  return a === 0 ? 0 : a; // no −0 (−360 % 360)
}

/**
 * Writes the full-range gains of one point source into out[offset + ch·stride]
 * (LFE untouched, other channels overwritten). Allocation-free.
 */
function fillRingGains(out: Float64Array, offset: number, stride: number, azimuthDeg: number, ring: Ring, divergence: number): void {
  if (!Number.isFinite(azimuthDeg)) throw new RangeError(`azimuth must be finite: got ${azimuthDeg}`);
  const { index, az } = ring;
  const n = az.length;
  for (let k = 0; k < n; k++) out[offset + index[k]! * stride] = 0;
  if (n === 1) {
    out[offset + index[0]! * stride] = 1;
    return;
  }
  let a = wrapAzimuth(azimuthDeg);
  let i1: number; // ring positions of the pair
  let i2: number;
  let a1: number;
  let a2: number;
  if (ring.frontal) {
    if (a > 90) a = 180 - a;
    else if (a < -90) a = -180 - a;
    if (a <= az[0]!) a = az[0]!;
    if (a >= az[n - 1]!) {
      out[offset + index[n - 1]! * stride] = 1;
      return spread(out, offset, stride, ring, divergence);
    }
  }
  if (a < az[0]! || a >= az[n - 1]!) {
    // across the back: last speaker (largest azimuth) → first speaker + 360°
    i1 = n - 1;
    i2 = 0;
    a1 = az[n - 1]!;
    a2 = az[0]! + 360;
    if (a < a1) a += 360;
  } else {
    let k = 0;
    while (a >= az[k + 1]!) k++;
    i1 = k;
    i2 = k + 1;
    a1 = az[k]!;
    a2 = az[k + 1]!;
  }
  const phi = ((a - a1) / (a2 - a1)) * (Math.PI / 2);
  out[offset + index[i1]! * stride] = Math.cos(phi);
  out[offset + index[i2]! * stride] = Math.sin(phi);
  spread(out, offset, stride, ring, divergence);
}

/** g_i ← √((1 − d)·g_i² + d/N) over the ring. */
function spread(out: Float64Array, offset: number, stride: number, ring: Ring, d: number): void {
  if (d === 0) return;
  const n = ring.az.length;
  const even = d / n;
  for (let k = 0; k < n; k++) {
    const j = offset + ring.index[k]! * stride;
    const g = out[j]!;
    out[j] = Math.sqrt((1 - d) * g * g + even);
  }
}

/** Gains of a point source at `azimuthDeg` for every channel of `layout` (see above). */
export function azimuthPanGains(azimuthDeg: number, layout: LayoutName, opts?: AzimuthPanOptions): Float64Array {
  const ring = ringOf(layout);
  const out = new Float64Array(ring.channels);
  azimuthPanGainsInto(out, azimuthDeg, layout, opts);
  return out;
}

/** As azimuthPanGains, into `out` (length = the layout's channels); allocation-free, for automation. */
export function azimuthPanGainsInto(out: Float64Array, azimuthDeg: number, layout: LayoutName, opts?: AzimuthPanOptions): void {
  const ring = ringOf(layout);
  if (out.length !== ring.channels) throw new RangeError(`gains buffer has ${out.length} slots; ${layout} has ${ring.channels} channels`);
  checkOptions(ring, layout, opts);
  fillRingGains(out, 0, 1, azimuthDeg, ring, opts?.divergence ?? 0);
  if (ring.lfe !== null) out[ring.lfe] = opts?.lfeSend ?? 0;
}

export interface LayoutPanOptions extends AzimuthPanOptions {
  /**
   * Stereo sources: the L input is placed at azimuth − spread and the R input at
   * azimuth + spread, in degrees (default 30, so azimuth 0 puts a stereo source's
   * L and R on the L and R speakers of every layout).
   */
  spread?: number;
}

/**
 * The pan matrix of a mono or stereo source into `layout`, out-major like panMatrix:
 * out[o] = Σ_i m[o·srcChannels + i]·in[i].
 *
 * Mono source: the column is azimuthPanGains(azimuth). Stereo source: each input
 * channel is a point source, L at azimuth − spread, R at azimuth + spread, each
 * with the divergence; the LFE receives lfeSend × the mean of the source's
 * channels (lfeSend/2 from each), so a centred source's correlated content reaches
 * the LFE at lfeSend as a mono source's would. Mono layout: the mean of the source
 * channels, as panMatrix does (the azimuth is ignored).
 */
export function panMatrixForLayout(srcChannels: number, layout: LayoutName, azimuthDeg: number, opts?: LayoutPanOptions): Float64Array {
  const ring = ringOf(layout);
  if (srcChannels !== 1 && srcChannels !== 2) {
    throw new RangeError(`panMatrixForLayout: ${srcChannels}-channel sources are not panned; map them with a downmix or channel routing`);
  }
  checkOptions(ring, layout, opts);
  if (!Number.isFinite(azimuthDeg)) throw new RangeError(`azimuth must be finite: got ${azimuthDeg}`);
  const spreadDeg = opts?.spread ?? 30;
  if (!(spreadDeg >= 0 && spreadDeg <= 180)) throw new RangeError(`spread must be within [0°, 180°]: got ${spreadDeg}`);
  const inCh = srcChannels;
  const m = new Float64Array(ring.channels * inCh);
  if (layout === 'mono') {
    for (let i = 0; i < inCh; i++) m[i] = 1 / inCh;
    return m;
  }
  const d = opts?.divergence ?? 0;
  if (inCh === 1) {
    fillRingGains(m, 0, 1, azimuthDeg, ring, d);
  } else {
    fillRingGains(m, 0, 2, azimuthDeg - spreadDeg, ring, d);
    fillRingGains(m, 1, 2, azimuthDeg + spreadDeg, ring, d);
  }
  if (ring.lfe !== null) {
    const send = (opts?.lfeSend ?? 0) / inCh;
    for (let i = 0; i < inCh; i++) m[ring.lfe * inCh + i] = send;
  }
  return m;
}
