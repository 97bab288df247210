// A new picture lock re-renders only what moved: the buses of the anchored events that
// moved, what mixes them (stems, master) and the deliverables — checked on the example film
// (picture/lock-v1.edl → lock-v2.edl) with rendered-node ids. An anchor into a shot the
// re-cut removed is PA606 at the event's line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { conformProject } from '../../src/conform/report.ts';
import { buildProject, tmpDir } from '../helpers/tmp-project.ts';
import { projectFactory } from '../helpers/project.ts';
import { codes, compileDir, projectFiles, projectYaml } from './helpers.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const example = path.join(repo, 'examples/film-project');
const makeProject = projectFactory();

function copyExample(): string {
  const dir = tmpDir('pa-conform-');
  fs.cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
  return dir;
}

function setLock(dir: string, lock: string): void {
  const file = path.join(dir, 'postaudio.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(/^(  lock: )picture\/lock-v\d\.edl/m, `$1${lock}`);
  expect(next).not.toBe(text);
  fs.writeFileSync(file, next);
}

describe('the example film on a new picture lock', () => {
  it('re-renders only the buses of moved events, what mixes them and the deliverables', async () => {
    const dir = copyExample();
    try {
      const first = await buildProject(dir, { jobs: 2 });
      expect(first.diagnostics).toEqual([]);
      expect(first.ok).toBe(true);

      setLock(dir, 'picture/lock-v2.edl');
      const second = await buildProject(dir, { jobs: 2 });
      expect(second.diagnostics).toEqual([]);
      expect(second.ok).toBe(true);
      const rendered = second.rendered;
      // everything that rendered is a bus placing anchored events (DX and FX, and the reverb
      // an anchored event sends to) or downstream of them: stems, the master, sends/side-chains
      // fed by them, loudness, deliverables, QC
      const v2 = await compileDir(dir);
      const plan = v2.plan!;
      // a moved event's clip renders again only when something tied to the timeline (automation
      // written in timecodes) now falls elsewhere on it
      const anchoredClips = new Set(v2.project!.events.filter((e) => e.picture).map((e) => `clip:${e.id}`));
      const downstream = new Set(plan.nodes.filter((n) => n.kind === 'bus' && n.inputs.some((i) => anchoredClips.has(i))).map((n) => n.id));
      expect([...downstream].sort()).toEqual(['bus:DX', 'bus:FX', 'bus:tower']);
      for (const n of plan.nodes) if (n.inputs.some((i) => downstream.has(i))) downstream.add(n.id);
      expect(rendered.filter((id) => !downstream.has(id) && !anchoredClips.has(id))).toEqual([]);
      expect(rendered).toEqual(expect.arrayContaining(['bus:DX', 'bus:FX', 'master', 'deliverable:lighthouse-51.wav', 'deliverable:lighthouse-stereo.wav']));
      // no source renders, no clip of an event on a timecode (positions live in the buses), nor the buses of timecode-only events
      expect(rendered.filter((id) => id.startsWith('source:'))).toEqual([]);
      expect(rendered.filter((id) => id.startsWith('clip:') && !anchoredClips.has(id))).toEqual([]);
      for (const id of ['bus:AMB', 'bus:FOL']) expect(rendered).not.toContain(id);
      expect(rendered.length).toBeLessThan(first.rendered.length / 2);
      expect(second.outputs.map((o) => o.sha256)).not.toEqual(first.outputs.map((o) => o.sha256));

      // back to v1: everything is in the cache, the outputs are v1's again
      setLock(dir, 'picture/lock-v1.edl');
      const third = await buildProject(dir, { jobs: 2 });
      expect(third.rendered.filter((id) => !/^(qc|report):/.test(id))).toEqual([]);
      expect(third.outputs).toEqual(first.outputs);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000); // two renders of the 84 s example in-process

  it('conform v1 → v2 on the example: anchored events move, nothing anchored is dropped', async () => {
    const run = await conformProject(path.join(example, 'postaudio.yaml'), path.join(example, 'picture/lock-v1.edl'), path.join(example, 'picture/lock-v2.edl'));
    expect(run.diagnostics).toEqual([]);
    const r = run.report!;
    expect(r.summary.dropped).toBe(0);
    expect(r.summary.flagged).toBe(0);
    const moved = r.events.filter((e) => e.status === 'moved').map((e) => e.id);
    expect(moved).toEqual(['d001', 'd002', 'd005', 'd007', 'd011', 'd012', 'fx02', 'fx03', 'fx05', 'fx09', 'fx12']);
    const d002 = r.events.find((e) => e.id === 'd002')!;
    expect(d002).toMatchObject({ at: 'reel', old: { start: '01:00:14:12' }, new: { start: '01:00:15:00' }, shift: { frames: 12 } });
    expect(r.shots.find((s) => s.name === 'SC02_SH04')?.status).toBe('removed');
    // the foley on the removed shot is on timecodes: reported, left in place by --write
    expect(r.events.find((e) => e.id === 'fol03')).toMatchObject({ status: 'picture-changed', write: { to: null } });
  });
});

describe('an anchor into a shot the re-cut removed', () => {
  it('is PA606 at the event when building against the new lock, and conform says why', async () => {
    const yaml = projectYaml({
      lock: 'picture/v2.edl',
      dialogue: ['{ id: a, source: blip, at: { shot: SH01 }, bus: DX }', '{ id: gone, source: blip, at: { shot: SH03, offset: 6f }, bus: DX }'],
    });
    const dir = makeProject(projectFiles(yaml));
    const r = await compileDir(dir);
    expect(codes(r)).toEqual(['PA606 postaudio.yaml:17:43']);
    expect(r.diagnostics[0]!.message).toBe("event 'gone': shot 'SH03' is not in the picture lock picture/v2.edl");
    expect(r.ok).toBe(false);

    const run = await conformProject(path.join(dir, 'postaudio.yaml'), path.join(dir, 'picture/v1.edl'), path.join(dir, 'picture/v2.edl'));
    expect(run.report!.events.find((e) => e.id === 'gone')).toMatchObject({
      status: 'dropped',
      code: 'PA606',
      old: { start: '01:00:04:06', shot: 'SH03' },
      why: 'dropped: shot SH03 was removed from the cut; the build fails with PA606 until the event is re-anchored or removed',
    });
  });
});
