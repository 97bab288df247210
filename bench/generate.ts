/**
 * Generates a long benchmark project: `minutes` of timeline, `events` events spread over
 * six buses, drawn from a pool of generated mono sources (seeded, deterministic).
 */
import fs from 'node:fs';
import path from 'node:path';
import { WavWriter } from '../src/io/index.ts';

export interface BenchProject {
  dir: string;
  events: number;
  minutes: number;
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function tc(seconds: number): string {
  const f = Math.round(seconds * 24);
  const fr = f % 24;
  const s = Math.floor(f / 24);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(1 + Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}:${p(fr)}`;
}

export function generateProject(dir: string, { minutes = 60, events = 1000, sources = 24 } = {}): BenchProject {
  fs.mkdirSync(path.join(dir, 'media'), { recursive: true });
  const rand = prng(1234);
  const lengths: number[] = [];
  for (let s = 0; s < sources; s++) {
    const file = path.join(dir, 'media', `s${s}.wav`);
    const seconds = 4 + (s % 8) * 2;
    lengths.push(seconds);
    if (fs.existsSync(file)) continue;
    const frames = seconds * 48000;
    const w = WavWriter.create(file, { sampleRate: 48000, channels: 1, bits: 24 });
    const buf = new Float32Array(48000);
    const f0 = 110 * (1 + (s % 12) / 4);
    let noise = 0;
    for (let pos = 0; pos < frames; pos += 48000) {
      for (let i = 0; i < 48000; i++) {
        noise = 0.98 * noise + 0.02 * (rand() * 2 - 1);
        buf[i] = 0.2 * Math.sin((2 * Math.PI * f0 * (pos + i)) / 48000) + 0.5 * noise;
      }
      w.write(buf, Math.min(48000, frames - pos));
    }
    w.close();
  }
  const buses = ['DX', 'FX', 'FX2', 'FOL', 'MX', 'AMB'];
  const lists: Record<string, string[]> = { dialogue: [], sfx: [], foley: [], music: [] };
  const listOf = (b: string) => (b === 'DX' ? 'dialogue' : b === 'FOL' ? 'foley' : b === 'MX' ? 'music' : 'sfx');
  for (let e = 0; e < events; e++) {
    const s = Math.floor(rand() * sources);
    const bus = buses[e % buses.length];
    const at = (e / events) * (minutes * 60 - 30) + rand() * 10;
    const gain = -Math.round(rand() * 12);
    const pan = Math.round((rand() * 2 - 1) * 30);
    lists[listOf(bus)].push(`  - { id: e${e}, source: s${s}, at: "${tc(at)}", bus: ${bus}, gain: ${gain} dB, pan: ${pan} deg, fade_in: 20 ms, fade_out: 50 ms }`);
  }
  const yaml = [
    'postaudio: 1',
    'project: { title: Bench, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00", date: 2026-01-01 }',
    'sources:',
    ...lengths.map((_, s) => `  s${s}: media/s${s}.wav`),
    'buses:',
    ...buses.map((b) => `  ${b}: { stem: ${listOf(b) === 'sfx' ? 'effects' : listOf(b)} }`),
    ...Object.entries(lists).flatMap(([k, v]) => [`${k}:`, ...v]),
    'master: { layout: stereo, file: bench.wav, bits: 24 }',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'postaudio.yaml'), yaml);
  return { dir, events, minutes };
}
