#!/usr/bin/env node
// make-media.mjs — synthesizes the effects, foley, music and ambience of the
// "Lighthouse" example (everything except dialogue, which make-media.sh records
// with espeak-ng and sox).
//
// Why Node and not `sox synth`: sox's -R makes noise repeatable, but every sox
// run then starts from the SAME seed, so every noise layer (three footstep
// takes, wind vs. waves, ...) would carry identical noise. Here each file gets
// its own seeded PRNG (mulberry32, seeded from the file name), so the output is
// byte-identical on every run and independent of generation order.
//
// Rules: no Math.random, no clock, no dither (plain rounding to 16-bit), fixed
// lengths in samples. All files are 48 kHz mono 16-bit PCM WAV.
//
// Usage: node tools/make-media.mjs            (writes into the project folder)
//        node tools/make-media.mjs OUTDIR     (writes into OUTDIR/{sfx,foley,music,amb})

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SR = 48000;
const TAU = 2 * Math.PI;
const ROOT = process.argv[2] ? resolve(process.argv[2]) : join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string: the per-file seed. */
function seedOf(name) {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

class Noise {
  constructor(rng) {
    this.rng = rng;
    this.b = [0, 0, 0, 0, 0, 0, 0];
    this.brown = 0;
  }
  white() {
    return this.rng() * 2 - 1;
  }
  /** Paul Kellet's refined pink filter. */
  pink() {
    const w = this.white();
    const b = this.b;
    b[0] = 0.99886 * b[0] + w * 0.0555179;
    b[1] = 0.99332 * b[1] + w * 0.0750759;
    b[2] = 0.969 * b[2] + w * 0.153852;
    b[3] = 0.8665 * b[3] + w * 0.3104856;
    b[4] = 0.55 * b[4] + w * 0.5329522;
    b[5] = -0.7616 * b[5] - w * 0.016898;
    const out = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + w * 0.5362;
    b[6] = w * 0.115926;
    return out * 0.11;
  }
  /** Leaky-integrated white noise (brown / red). */
  brownNoise() {
    this.brown = (this.brown + 0.02 * this.white()) / 1.02;
    return this.brown * 3.5;
  }
}

/** Smooth random control signal: random points every `period` s, cosine-interpolated. */
function valueNoise(rng, seconds, period) {
  const n = Math.ceil(seconds / period) + 2;
  const pts = Array.from({ length: n }, () => rng());
  return (t) => {
    const x = t / period;
    const i = Math.floor(x);
    const f = x - i;
    const w = (1 - Math.cos(Math.PI * f)) / 2;
    return pts[i] * (1 - w) + pts[i + 1] * w;
  };
}

// ------------------------------------------------------------------- filters

/** RBJ audio-EQ-cookbook biquad, float64 state. */
class Biquad {
  constructor(type, freq, q = Math.SQRT1_2, gainDb = 0) {
    this.type = type;
    this.x1 = this.x2 = this.y1 = this.y2 = 0;
    this.set(freq, q, gainDb);
  }
  set(freq, q = this.q, gainDb = this.gainDb ?? 0) {
    this.q = q;
    this.gainDb = gainDb;
    const w0 = (TAU * Math.min(freq, SR * 0.45)) / SR;
    const cw = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * q);
    const A = Math.pow(10, gainDb / 40);
    let b0, b1, b2, a0, a1, a2;
    switch (this.type) {
      case 'lowpass':
        b0 = (1 - cw) / 2; b1 = 1 - cw; b2 = (1 - cw) / 2;
        a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
        break;
      case 'highpass':
        b0 = (1 + cw) / 2; b1 = -(1 + cw); b2 = (1 + cw) / 2;
        a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
        break;
      case 'bandpass': // constant 0 dB peak gain
        b0 = alpha; b1 = 0; b2 = -alpha;
        a0 = 1 + alpha; a1 = -2 * cw; a2 = 1 - alpha;
        break;
      case 'peak':
        b0 = 1 + alpha * A; b1 = -2 * cw; b2 = 1 - alpha * A;
        a0 = 1 + alpha / A; a1 = -2 * cw; a2 = 1 - alpha / A;
        break;
      default:
        throw new Error(`unknown filter ${this.type}`);
    }
    this.b0 = b0 / a0; this.b1 = b1 / a0; this.b2 = b2 / a0;
    this.a1 = a1 / a0; this.a2 = a2 / a0;
  }
  run(x) {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1; this.x1 = x;
    this.y2 = this.y1; this.y1 = y;
    return y;
  }
}

/** Run a buffer through a chain of filters, in place. */
function filter(buf, ...chain) {
  for (let i = 0; i < buf.length; i++) {
    let x = buf[i];
    for (const f of chain) x = f.run(x);
    buf[i] = x;
  }
  return buf;
}

// ------------------------------------------------------------ building blocks

const secs = (s) => Math.round(s * SR);
const buffer = (seconds) => new Float64Array(secs(seconds));
const dbToGain = (db) => Math.pow(10, db / 20);

/** Add a damped sinusoid (a resonant mode) starting at time t0. */
function mode(buf, t0, freq, amp, tau, phase = 0) {
  const start = secs(t0);
  const end = Math.min(buf.length, start + secs(tau * 7));
  for (let i = start; i < end; i++) {
    const t = (i - start) / SR;
    buf[i] += amp * Math.exp(-t / tau) * Math.sin(TAU * freq * t + phase);
  }
}

/** Add a burst of filtered noise with a 1 ms attack and exponential decay. */
function burst(buf, noise, t0, amp, tau, chain) {
  const start = secs(t0);
  const end = Math.min(buf.length, start + secs(tau * 7));
  for (let i = start; i < end; i++) {
    const t = (i - start) / SR;
    const env = Math.min(1, t / 0.001) * Math.exp(-t / tau);
    let x = noise.white();
    for (const f of chain) x = f.run(x);
    buf[i] += amp * env * x;
  }
}

/** Short raised-cosine fades at both ends so no file starts or stops with a click. */
function edgeFades(buf, inS = 0.002, outS = 0.05) {
  const ni = secs(inS);
  const no = secs(outS);
  for (let i = 0; i < ni && i < buf.length; i++) buf[i] *= (1 - Math.cos((Math.PI * i) / ni)) / 2;
  for (let i = 0; i < no && i < buf.length; i++) buf[buf.length - 1 - i] *= (1 - Math.cos((Math.PI * i) / no)) / 2;
  return buf;
}

/** Make a buffer loop seamlessly: equal-power crossfade of the extra tail into the head. */
function makeLoop(buf, loopSeconds) {
  const n = secs(loopSeconds);
  const x = buf.length - n;
  if (x <= 0) throw new Error('makeLoop: no tail to crossfade');
  const out = buf.slice(0, n);
  for (let i = 0; i < x; i++) {
    const p = i / x;
    out[i] = buf[i] * Math.sin((Math.PI / 2) * p) + buf[n + i] * Math.cos((Math.PI / 2) * p);
  }
  return out;
}

function normalize(buf, peakDb) {
  let peak = 0;
  for (const v of buf) peak = Math.max(peak, Math.abs(v));
  const g = peak > 0 ? dbToGain(peakDb) / peak : 1;
  for (let i = 0; i < buf.length; i++) buf[i] *= g;
  return buf;
}

/** Plain 16-bit PCM WAV (RIFF, 44-byte header), no dither: rounding only. */
function writeWav(rel, buf) {
  const path = join(ROOT, rel);
  mkdirSync(dirname(path), { recursive: true });
  const n = buf.length;
  const out = Buffer.alloc(44 + n * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + n * 2, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(SR, 24);
  out.writeUInt32LE(SR * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) {
    const v = Math.max(-1, Math.min(1, buf[i]));
    out.writeInt16LE(Math.round(v * 32767), 44 + i * 2);
  }
  writeFileSync(path, out);
  let sq = 0;
  let pk = 0;
  for (const v of buf) { sq += v * v; pk = Math.max(pk, Math.abs(v)); }
  const db = (x) => (20 * Math.log10(x)).toFixed(1).padStart(6);
  console.log(`  ${rel.padEnd(26)} ${(n / SR).toFixed(3).padStart(7)} s  peak ${db(pk)} dBFS  rms ${db(Math.sqrt(sq / n))} dBFS`);
}

// ------------------------------------------------------------------ the sounds

/** amb/sea.wav — 10 s seamless loop: waves on rocks, spray, storm wind. */
function sea(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const loop = 10;
  const buf = buffer(loop + 2);
  // waves: brown noise, low-passed; a swell-and-break envelope every 5 s and a
  // smaller one every 10/3 s (both divide the loop length, so the loop point is clean)
  const waveLp1 = new Biquad('lowpass', 650);
  const waveLp2 = new Biquad('lowpass', 900);
  const sprayHp = new Biquad('highpass', 1400);
  const sprayLp = new Biquad('lowpass', 6500);
  const windBp = new Biquad('bandpass', 600, 1.2);
  const whistle = new Biquad('bandpass', 900, 14);
  const swell = (p) => (p < 0.72 ? Math.pow(p / 0.72, 2.2) : Math.exp(-(p - 0.72) * 9));
  for (let i = 0; i < buf.length; i++) {
    const t = i / SR;
    const w5 = swell((t % 5) / 5);
    const w3 = swell(((t + 1.3) % (10 / 3)) / (10 / 3));
    const waveEnv = 0.25 + 0.55 * w5 + 0.3 * w3;
    const wave = waveLp2.run(waveLp1.run(nz.brownNoise())) * waveEnv;
    const pc = (t % 5) / 5; // the wave breaks at pc = 0.72: spray rises over ~0.25 s and washes out
    const breakAt = (x) => (x < 0.68 ? 0 : Math.min(1, (x - 0.68) / 0.05) * Math.exp(-Math.max(0, x - 0.73) * 6));
    const crash = breakAt(pc) + breakAt(pc + 1); // + the previous wave's wash
    const spray = sprayLp.run(sprayHp.run(nz.pink())) * (0.04 + 0.35 * crash);
    if (i % 64 === 0) {
      const c = 650 + 220 * Math.sin((TAU * t) / 10) + 120 * Math.sin((TAU * t) / 2.5 + 1);
      windBp.set(c, 1.2);
      whistle.set(c * 1.6, 14);
    }
    const gust = 0.55 + 0.3 * Math.sin((TAU * t) / 10 + 0.5) + 0.15 * Math.sin((TAU * t) / 2 + 2);
    const p = nz.pink();
    const wind = (windBp.run(p) * 1.3 + whistle.run(p) * 0.5) * gust;
    buf[i] = wave * 1.0 + spray + wind;
  }
  return normalize(makeLoop(buf, loop), -6);
}

/** amb/rain.wav — 5 s seamless loop: rain hiss and drops on the lantern glass. */
function rain(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const loop = 5;
  const buf = buffer(loop + 1);
  const hp = new Biquad('highpass', 1800);
  const lp = new Biquad('lowpass', 9000);
  for (let i = 0; i < buf.length; i++) buf[i] = lp.run(hp.run(nz.pink())) * 0.5;
  // light drops: ~70 per second, heavier drops on the glass: ~9 per second
  for (const [rate, fLo, fHi, aMax, tau] of [[70, 2200, 6000, 0.18, 0.004], [9, 700, 1800, 0.35, 0.012]]) {
    let t = 0;
    for (;;) {
      t += -Math.log(1 - rng()) / rate;
      if (t > loop + 0.9) break;
      const a = aMax * Math.pow(rng(), 2);
      mode(buf, t, fLo + (fHi - fLo) * rng(), a, tau * (0.6 + 0.8 * rng()), rng() * TAU);
    }
  }
  return normalize(makeLoop(buf, loop), -6);
}

/** sfx/door_slam.wav — heavy wooden door blown shut: crack, low thump, latch rattle, room tail. */
function doorSlam(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const buf = buffer(1.2);
  const t0 = 0.02;
  // low thump: falling sine 78 -> 44 Hz
  let ph = 0;
  for (let i = secs(t0); i < buf.length; i++) {
    const t = i / SR - t0;
    const f = 44 + 34 * Math.exp(-t / 0.05);
    ph += (TAU * f) / SR;
    buf[i] += 1.0 * Math.min(1, t / 0.002) * Math.exp(-t / 0.13) * Math.sin(ph);
  }
  burst(buf, nz, t0, 1.4, 0.022, [new Biquad('bandpass', 900, 0.7)]);
  burst(buf, nz, t0, 0.5, 0.006, [new Biquad('highpass', 2500)]);
  for (const [f, a, tau] of [[162, 0.35, 0.16], [247, 0.3, 0.12], [411, 0.22, 0.09], [663, 0.14, 0.07], [985, 0.08, 0.05]]) {
    mode(buf, t0, f, a, tau, rng() * TAU);
  }
  // latch rattles
  for (const [dt, a] of [[0.085, 0.25], [0.14, 0.15], [0.19, 0.07]]) {
    burst(buf, nz, t0 + dt, a, 0.007, [new Biquad('bandpass', 2600, 2)]);
    mode(buf, t0 + dt, 1730, a * 0.3, 0.03, rng() * TAU);
  }
  // stairwell tail
  burst(buf, nz, t0 + 0.01, 0.12, 0.3, [new Biquad('lowpass', 1100), new Biquad('highpass', 80)]);
  filter(buf, new Biquad('lowpass', 9000));
  return normalize(edgeFades(buf, 0.001, 0.1), -1);
}

/** sfx/knock.wav — three knocks on the outside door. */
function knock(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const buf = buffer(0.9);
  for (const [t0, a] of [[0.02, 1.0], [0.23, 0.82], [0.45, 0.95]]) {
    const j = 0.97 + 0.06 * rng();
    for (const [f, amp, tau] of [[188, 0.5, 0.05], [332, 0.4, 0.035], [517, 0.3, 0.03], [874, 0.15, 0.02], [96, 0.35, 0.045]]) {
      mode(buf, t0, f * j, a * amp, tau, rng() * TAU);
    }
    burst(buf, nz, t0, a * 0.6, 0.003, [new Biquad('bandpass', 2000, 1)]);
  }
  return normalize(edgeFades(buf), -1);
}

/** sfx/thunder.wav — close strike (crack in the first 0.4 s) then a long rolling rumble. */
function thunder(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const len = 4.0;
  const buf = buffer(len);
  const roll = valueNoise(rng, len, 0.18);
  const tear = valueNoise(rng, len, 0.012);
  const crHp = new Biquad('highpass', 250);
  const crLp = new Biquad('lowpass', 4500);
  const ruLp1 = new Biquad('lowpass', 170);
  const ruLp2 = new Biquad('lowpass', 220);
  const miLp = new Biquad('lowpass', 650);
  const miHp = new Biquad('highpass', 120);
  for (let i = 0; i < buf.length; i++) {
    const t = i / SR;
    // crack: tearing broadband noise
    const tc = t - 0.03;
    const crackEnv = tc < 0 ? 0 : Math.min(1, tc / 0.004) * Math.exp(-tc / 0.14) * (0.3 + 0.7 * Math.pow(tear(t), 2));
    const crack = crLp.run(crHp.run(nz.white())) * crackEnv * 1.2;
    // rumble: rises over 0.6 s, rolls, decays to the end
    const tr = t - 0.15;
    const rumbleEnv = tr < 0 ? 0 : (1 - Math.exp(-tr / 0.35)) * Math.exp(-tr / 1.6) * (0.35 + 0.9 * roll(t))
      * (1 + 0.6 * Math.exp(-Math.pow((t - 1.4) / 0.25, 2)) + 0.4 * Math.exp(-Math.pow((t - 2.5) / 0.3, 2)));
    const rumble = ruLp2.run(ruLp1.run(nz.brownNoise())) * rumbleEnv * 3.0;
    const mid = miHp.run(miLp.run(nz.pink())) * rumbleEnv * 0.45;
    buf[i] = crack + rumble + mid;
  }
  return normalize(edgeFades(buf, 0.002, 0.6), -1);
}

/** sfx/foghorn.wav — diaphone foghorn: low sawtooth ~110 Hz, slow attack, the falling "grunt" at the end. */
function foghorn(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const len = 3.6;
  const buf = buffer(len);
  const attack = 0.35;
  const relStart = 2.6;
  let ph1 = 0;
  let ph2 = 0;
  let ph3 = 0;
  const breath = [new Biquad('bandpass', 320, 1.5)];
  for (let i = 0; i < buf.length; i++) {
    const t = i / SR;
    let f = 110 - 14 * Math.exp(-t / 0.09);
    if (t > relStart) f -= 18 * Math.pow((t - relStart) / (len - relStart), 1.5);
    f *= 1 + 0.002 * Math.sin(TAU * 5.2 * t);
    ph1 += f / SR; ph2 += (f * 1.006) / SR; ph3 += (f * 0.5) / SR;
    ph1 %= 1; ph2 %= 1; ph3 %= 1;
    let saw = 0;
    for (let n = 1; n <= 30 && n * f < 7000; n++) {
      saw += (Math.sin(TAU * n * ph1) + 0.7 * Math.sin(TAU * n * ph2)) / n;
    }
    const sub = 0.45 * Math.sin(TAU * ph3);
    let env;
    if (t < attack) env = Math.pow(Math.sin((Math.PI / 2) * (t / attack)), 2);
    else if (t < relStart) env = 1;
    else env = Math.exp(-(t - relStart) / 0.28);
    let b = nz.white();
    for (const fl of breath) b = fl.run(b);
    buf[i] = env * (saw * 0.5 + sub + 0.25 * b);
  }
  filter(buf, new Biquad('lowpass', 520), new Biquad('lowpass', 900), new Biquad('peak', 240, 1.2, 4));
  return normalize(edgeFades(buf, 0.002, 0.3), -1);
}

/** sfx/bell.wav — the buoy bell off the rocks: inharmonic bell partials with slow beating. */
function bell(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const buf = buffer(3.0);
  const f0 = 392;
  const partials = [
    [0.5, 0.45, 2.4], [1.0, 0.7, 1.6], [1.19, 0.5, 1.2], [1.5, 0.3, 0.9],
    [2.0, 0.55, 0.8], [2.51, 0.2, 0.5], [2.99, 0.22, 0.4], [4.17, 0.1, 0.25],
  ];
  for (const [r, a, tau] of partials) {
    const beat = 0.4 + rng() * 1.2;
    mode(buf, 0.01, f0 * r, a * 0.55, tau, rng() * TAU);
    mode(buf, 0.01, f0 * r + beat, a * 0.45, tau, rng() * TAU);
  }
  burst(buf, nz, 0.01, 0.3, 0.002, [new Biquad('highpass', 3000)]);
  return normalize(edgeFades(buf, 0.001, 0.4), -1);
}

/**
 * foley/fs_stairs_t{1,2,3}.wav — footstep runs on the iron spiral stair:
 * heel thump, toe scuff, ringing iron treads, an occasional creak, stairwell echo.
 */
function stairs(name, pace, weight) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const len = 2.2;
  const dry = buffer(len);
  let t = 0.06 + 0.05 * rng();
  while (t < len - 0.35) {
    const a = weight * dbToGain(-2 + 4 * rng());
    mode(dry, t, 85 + 25 * rng(), a * 0.6, 0.025, 0);
    burst(dry, nz, t, a * 0.9, 0.012, [new Biquad('bandpass', 500 + 400 * rng(), 1)]);
    const toe = t + 0.07 + 0.04 * rng();
    burst(dry, nz, toe, a * 0.4, 0.01, [new Biquad('bandpass', 1500 + 1000 * rng(), 1.2)]);
    for (const f of [1240, 1873, 2711, 3390]) mode(dry, t + 0.002, f * (0.98 + 0.04 * rng()), a * 0.05, 0.06, rng() * TAU);
    if (rng() < 0.3) {
      // a creaking tread
      for (const f of [143, 228]) mode(dry, toe, f * (0.9 + 0.2 * rng()), a * 0.12, 0.08, rng() * TAU);
    }
    t += pace * (0.93 + 0.14 * rng());
  }
  // stairwell: two early reflections
  const buf = dry.slice();
  for (const [d, g] of [[0.027, 0.28], [0.043, 0.17], [0.071, 0.08]]) {
    const o = secs(d);
    for (let i = o; i < buf.length; i++) buf[i] += g * dry[i - o];
  }
  filter(buf, new Biquad('highpass', 50), new Biquad('lowpass', 9000));
  return normalize(edgeFades(buf), -3);
}

/** foley/cloth_rustle.wav — wet oilskin coat: grains of band-passed noise. */
function rustle(name) {
  const rng = mulberry32(seedOf(name));
  const nz = new Noise(rng);
  const len = 1.2;
  const buf = buffer(len);
  let t = 0.02;
  while (t < len - 0.1) {
    const g = 0.01 + 0.03 * rng();
    const shape = Math.sin((Math.PI * Math.min(t, len - t)) / len);
    const a = (0.2 + 0.8 * rng()) * shape;
    const bp = new Biquad('bandpass', 1800 + 2500 * rng(), 0.8);
    const s = secs(t);
    const n = secs(g);
    for (let i = 0; i < n && s + i < buf.length; i++) {
      const w = Math.sin((Math.PI * i) / n);
      buf[s + i] += a * w * w * bp.run(nz.white());
    }
    t += -Math.log(1 - rng()) / 45;
  }
  filter(buf, new Biquad('highpass', 600));
  return normalize(edgeFades(buf), -4);
}

const NOTE = (m) => 440 * Math.pow(2, (m - 69) / 12);

/** A soft triangle-like voice: odd harmonics at 1/n^2, two slightly detuned copies. */
function padVoice(f, t, ph) {
  let s = 0;
  for (const [n, a] of [[1, 1], [3, 1 / 9], [5, 1 / 25], [7, 1 / 49], [2, 0.12]]) {
    s += a * (Math.sin(TAU * n * f * 1.0015 * t + ph) + Math.sin(TAU * n * f * 0.9985 * t + ph * 1.7));
  }
  return s;
}

/** music/1M1_pad.wav — "Keeper's Watch": A minor to F major 7 pad, slow attack and release. */
function pad() {
  const len = 8.0;
  const buf = buffer(len);
  const am = [45, 52, 57, 60, 64].map(NOTE); // A2 E3 A3 C4 E4
  const fmaj7 = [41, 48, 57, 60, 64].map(NOTE); // F2 C3 A3 C4 E4
  for (let i = 0; i < buf.length; i++) {
    const t = i / SR;
    const x = Math.min(1, Math.max(0, (t - 3.6) / 1.2)); // chord change 3.6..4.8 s
    const wA = Math.cos((Math.PI / 2) * x);
    const wF = Math.sin((Math.PI / 2) * x);
    let s = 0;
    am.forEach((f, k) => { s += wA * padVoice(f, t, k) * (k === 0 ? 0.8 : 0.5); });
    fmaj7.forEach((f, k) => { s += wF * padVoice(f, t, k + 5) * (k === 0 ? 0.8 : 0.5); });
    const env = (t < 1.8 ? Math.pow(Math.sin((Math.PI / 2) * (t / 1.8)), 2) : 1)
      * (t > 5.6 ? Math.pow(Math.cos((Math.PI / 2) * ((t - 5.6) / 2.4)), 2) : 1);
    buf[i] = s * env * (1 + 0.08 * Math.sin(TAU * 0.23 * t));
  }
  filter(buf, new Biquad('lowpass', 2200));
  return normalize(buf, -3);
}

/** music/1M2_arp.wav — "Green Light": D minor arpeggio, Bb, C, resolving to F major. */
function arp() {
  const len = 8.0;
  const buf = buffer(len);
  const step = 0.25;
  const bars = [
    [50, [62, 65, 69, 74, 69, 65, 62, 65]], // Dm
    [46, [58, 62, 65, 70, 65, 62, 58, 62]], // Bb
    [48, [60, 64, 67, 72, 67, 64, 60, 67]], // C
  ];
  const pluck = (t0, f, a, tau) => {
    const s = secs(t0);
    const e = Math.min(buf.length, s + secs(tau * 7));
    for (let i = s; i < e; i++) {
      const t = (i - s) / SR;
      const env = Math.min(1, t / 0.004) * Math.exp(-t / tau);
      buf[i] += a * env * (Math.sin(TAU * f * t) + 0.35 * Math.sin(TAU * 2 * f * t) * Math.exp(-t / 0.15) + 0.12 * Math.sin(TAU * 3 * f * t) * Math.exp(-t / 0.08));
    }
  };
  bars.forEach(([bass, notes], b) => {
    const t0 = b * 2;
    pluck(t0, NOTE(bass - 12), 0.6, 1.4);
    notes.forEach((m, k) => pluck(t0 + k * step, NOTE(m), k === 0 ? 0.5 : 0.38, 0.5));
  });
  // resolution: F major, struck at 6 s and left to ring
  pluck(6, NOTE(41), 0.6, 1.2);
  [53, 57, 60, 65, 69].forEach((m, k) => pluck(6 + k * 0.03, NOTE(m), 0.3, 0.9));
  // a simple feedback echo (dotted eighth) for space
  const d = secs(0.375);
  for (let i = d; i < buf.length; i++) buf[i] += 0.28 * buf[i - d];
  filter(buf, new Biquad('lowpass', 5000));
  return normalize(edgeFades(buf, 0.001, 0.5), -3);
}

// ----------------------------------------------------------------------- main

console.log(`make-media.mjs -> ${ROOT}`);
writeWav('amb/sea.wav', sea('amb/sea'));
writeWav('amb/rain.wav', rain('amb/rain'));
writeWav('sfx/door_slam.wav', doorSlam('sfx/door_slam'));
writeWav('sfx/knock.wav', knock('sfx/knock'));
writeWav('sfx/thunder.wav', thunder('sfx/thunder'));
writeWav('sfx/foghorn.wav', foghorn('sfx/foghorn'));
writeWav('sfx/buoy_bell.wav', bell('sfx/buoy_bell'));
writeWav('foley/fs_stairs_t1.wav', stairs('foley/fs_stairs_t1', 0.36, 1.0));
writeWav('foley/fs_stairs_t2.wav', stairs('foley/fs_stairs_t2', 0.39, 1.1));
writeWav('foley/fs_stairs_t3.wav', stairs('foley/fs_stairs_t3', 0.33, 0.85));
writeWav('foley/cloth_rustle.wav', rustle('foley/cloth_rustle'));
writeWav('music/1M1_pad.wav', pad());
writeWav('music/1M2_arp.wav', arp());
