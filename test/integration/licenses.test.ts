/**
 * Music licenses (issue 4): every gap between what a cue needs and what its license grants
 * is a PA4xx error at the cue (its `license:` value, or the cue itself for its duration);
 * a cue without a license is a warning, so a temp score still builds.
 */
import { describe, expect, it } from 'vitest';
import { SR, brief, compileDir, diagnose, err, makeProject, sine, type Signal } from './helpers.ts';

/** Release 2027-03-01 on festival + streaming in GB and US (lines 1–10). */
const HEAD = `postaudio: 1
project:
  title: Licensing
  sample_rate: 48000
  frame_rate: 24
  start: "01:00:00:00"
  release: 2027-03-01
  media: [festival, streaming]
  territory: [GB, US]
  production: Test Films
`;
const mx: Signal = { frames: 4 * SR, fn: sine(220, 0.1) };

/** A license that covers everything the project needs, with one field overridden. */
function license(id: string, override: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    title: `Title ${id}`,
    rights: '[sync, master]',
    media: '[festival, streaming]',
    territory: 'worldwide',
    term: '{ from: 2026-01-01, to: 2030-01-01 }',
    max_duration: '30 s',
    ...override,
  };
  return `  ${id}:\n${Object.entries(fields).map(([k, v]) => `    ${k}: ${v}\n`).join('')}`;
}

const cue = (id: string, lic: string | null, extra = '') => `  - id: ${id}
    source: mx
    at: "01:00:00:00"
    bus: MX${lic ? `\n    license: ${lic}` : ''}${extra}
`;

function project(cues: string, licenses: string): string {
  return `${HEAD}sources:
  mx: mx.wav
buses:
  MX: { stem: music }
music:
${cues}licenses:
${licenses}master: { layout: stereo, file: mix.wav, bits: 32f }
`;
}

describe('license checks', () => {
  it('a license that covers release, media, territory, rights and duration: no diagnostic', async () => {
    const r = await compileDir(makeProject(project(cue('1M1', 'ok'), license('ok')), { 'mx.wav': mx }));
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('each gap is its own PA4xx at the cue: expired (PA403), media (PA404), territory (PA405), duration (PA406), sync (PA407), unknown (PA402)', async () => {
    // cues start at line 16, five lines each (id, source, at, bus, license): license: at +4, col 14
    const text = project(
      [
        cue('1M1', 'expired'),
        cue('1M2', 'festonly'),
        cue('1M3', 'gbonly'),
        cue('1M4', 'short'),
        cue('1M5', 'masteronly'),
        cue('1M6', 'nosuch'),
        cue('1M7', 'late'),
      ].join(''),
      [
        license('expired', { term: '{ from: 2025-01-01, to: 2026-12-31 }' }),
        license('festonly', { media: '[festival, theatrical]' }),
        license('gbonly', { territory: '[GB, FR]' }),
        license('short', { max_duration: '3 s' }),
        license('masteronly', { rights: '[master]' }),
        license('late', { term: '{ from: 2027-06-01 }' }),
      ].join(''),
    );
    const ds = await diagnose(text, { 'mx.wav': mx });
    const lic = (n: number) => 16 + 5 * n + 4;
    expect(ds.map(brief)).toEqual([
      err('PA403', lic(0), 14),
      err('PA404', lic(1), 14),
      err('PA405', lic(2), 14),
      err('PA406', 16 + 5 * 3, 5), // the cue's duration: at the cue
      err('PA407', lic(4), 14),
      err('PA402', lic(5), 14),
      err('PA403', lic(6), 14),
    ]);
    expect(ds.map((d) => d.message)).toEqual([
      "cue '1M1': license 'expired' expires 2026-12-31, before the release on 2027-03-01",
      "cue '1M2': license 'festonly' does not cover streaming",
      "cue '1M3': license 'gbonly' does not cover US",
      "cue '1M4' uses 4.00 s of 'Title short', longer than the 3.00 s the license 'short' allows",
      "cue '1M5': license 'masteronly' does not grant sync rights",
      "cue '1M6': unknown license 'nosuch'",
      "cue '1M7': license 'late' starts 2027-06-01, after the release on 2027-03-01",
    ]);
    expect(ds[1].hint).toBe('it covers: festival, theatrical');
  });

  it("the used duration is the cue's, after in/out or an edit", async () => {
    const within = project(cue('1M1', 'short', '\n    in: 1.5 s'), license('short', { max_duration: '2.5 s' }));
    expect((await compileDir(makeProject(within, { 'mx.wav': mx }))).ok).toBe(true);
    const edited = project(cue('1M1', 'short', '\n    edit: [ { from: 0 s, to: 2 s }, { from: 1 s, to: 2 s, crossfade: 10 ms } ]'), license('short', { max_duration: '2.5 s' }));
    const ds = await diagnose(edited, { 'mx.wav': mx });
    expect(ds.map(brief)).toEqual([err('PA406', 16, 5)]);
    expect(ds[0].message).toContain('uses 3.00 s');
  });

  it("media 'all' and territory worldwide cover any release", async () => {
    const r = await compileDir(makeProject(project(cue('1M1', 'any'), license('any', { media: '[all]' })), { 'mx.wav': mx }));
    expect(r.diagnostics).toEqual([]);
  });

  it('PA400: a cue without a license is a warning at the cue, and the project still compiles', async () => {
    const r = await compileDir(makeProject(project(cue('1M1', null), license('ok')), { 'mx.wav': mx }));
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map(brief)).toEqual([{ code: 'PA400', severity: 'warning', file: 'postaudio.yaml', line: 16, col: 5 }]);
    expect(r.diagnostics[0].message).toBe("cue '1M1' has no license");
  });

  it('PA401: only music cues carry a license', async () => {
    const text = `${HEAD}sources:
  mx: mx.wav
buses:
  FX: { stem: effects }
sfx:
  - { id: s1, source: mx, at: "01:00:00:00", bus: FX, license: ok }
licenses:
${license('ok')}master: { layout: stereo, file: mix.wav, bits: 32f }
`;
    const ds = await diagnose(text, { 'mx.wav': mx });
    expect(ds.map(brief)).toEqual([err('PA401', 16, 64)]);
  });
});
