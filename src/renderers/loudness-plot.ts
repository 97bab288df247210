/**
 * Loudness over time as an SVG a person can open: momentary (400 ms) and short-term (3 s)
 * loudness at 10 Hz, the target line and its tolerance band. Pure: data in, text out.
 */
import type { LoudnessSeriesPoint } from './dsp/loudness.ts';

export interface PlotOptions {
  title: string;
  target?: { integrated: number; tolerance: number; label: string } | null;
  integrated?: number | null;
}

const W = 960;
const H = 360;
const M = { l: 56, r: 16, t: 36, b: 40 };
const LO = -60;
const HI = 0;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function loudnessSvg(series: LoudnessSeriesPoint[], o: PlotOptions): string {
  const duration = Math.max(1, series.length ? series[series.length - 1].t : 1);
  const x = (t: number) => M.l + ((W - M.l - M.r) * t) / duration;
  const y = (db: number) => M.t + ((H - M.t - M.b) * (HI - Math.max(LO, Math.min(HI, db)))) / (HI - LO);
  const f = (v: number) => v.toFixed(1);
  const path = (pick: (p: LoudnessSeriesPoint) => number | null) => {
    let d = '';
    let pen = false;
    for (const p of series) {
      const v = pick(p);
      if (v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${f(x(p.t))},${f(y(v))}`;
      pen = true;
    }
    return d;
  };
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${M.l}" y="20" font-size="14" font-weight="bold">${esc(o.title)}</text>`);
  for (let db = LO; db <= HI; db += 10) {
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${f(y(db))}" y2="${f(y(db))}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.l - 6}" y="${f(y(db) + 4)}" text-anchor="end">${db}</text>`);
  }
  const step = duration > 600 ? 60 : duration > 120 ? 30 : 10;
  for (let t = 0; t <= duration; t += step) {
    parts.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${M.t}" y2="${H - M.b}" stroke="#eee"/>`);
    parts.push(`<text x="${f(x(t))}" y="${H - M.b + 14}" text-anchor="middle">${Math.floor(t / 60)}:${String(Math.round(t % 60)).padStart(2, '0')}</text>`);
  }
  parts.push(`<text x="14" y="${f((H - M.b + M.t) / 2)}" transform="rotate(-90 14 ${f((H - M.b + M.t) / 2)})" text-anchor="middle">LUFS</text>`);
  if (o.target) {
    const t = o.target;
    parts.push(`<rect x="${M.l}" width="${W - M.l - M.r}" y="${f(y(t.integrated + t.tolerance))}" height="${f(y(t.integrated - t.tolerance) - y(t.integrated + t.tolerance))}" fill="#2a7" fill-opacity="0.12"/>`);
    parts.push(`<line x1="${M.l}" x2="${W - M.r}" y1="${f(y(t.integrated))}" y2="${f(y(t.integrated))}" stroke="#2a7" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${W - M.r}" y="${f(y(t.integrated) - 4)}" text-anchor="end" fill="#185">${esc(t.label)} ${t.integrated} LUFS ±${t.tolerance}</text>`);
  }
  parts.push(`<path d="${path((p) => p.momentary)}" fill="none" stroke="#8ab" stroke-width="0.8"/>`);
  parts.push(`<path d="${path((p) => p.shortTerm)}" fill="none" stroke="#036" stroke-width="1.6"/>`);
  const legendY = H - 10;
  parts.push(`<line x1="${M.l}" x2="${M.l + 20}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#8ab"/><text x="${M.l + 24}" y="${legendY}">momentary</text>`);
  parts.push(`<line x1="${M.l + 100}" x2="${M.l + 120}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="#036" stroke-width="1.6"/><text x="${M.l + 124}" y="${legendY}">short-term</text>`);
  if (o.integrated !== undefined && o.integrated !== null) {
    parts.push(`<text x="${M.l + 220}" y="${legendY}">integrated ${o.integrated.toFixed(1)} LUFS</text>`);
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
