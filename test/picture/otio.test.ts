import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOtio, readPictureLock } from '../../src/picture/index.ts';
import { R23, R24, fixture, lockOf, tc, where } from './helpers.ts';

const otio = (value: unknown, r = R24) => parseOtio(JSON.stringify(value, null, 2), { file: 'test.otio', frameRate: r });
const RT = (value: number, rate = 24) => ({ OTIO_SCHEMA: 'RationalTime.1', rate, value });
const TR = (start: number, duration: number, rate = 24) => ({ OTIO_SCHEMA: 'TimeRange.1', start_time: RT(start, rate), duration: RT(duration, rate) });
const timeline = (children: unknown[], extra: Record<string, unknown> = {}) => ({
  OTIO_SCHEMA: 'Timeline.1',
  name: 'T',
  ...extra,
  tracks: {
    OTIO_SCHEMA: 'Stack.1',
    children: [
      { OTIO_SCHEMA: 'Track.1', kind: 'Audio', name: 'A1', children: [{ OTIO_SCHEMA: 'Clip.1', name: 'MX', source_range: TR(0, 1000) }] },
      { OTIO_SCHEMA: 'Track.1', kind: 'Video', name: 'V1', children },
    ],
  },
});

describe('parseOtio', () => {
  it('reads the OTIO version of Lighthouse v1 exactly as the EDL (dissolve centred on the cut, as OTIO stores it)', () => {
    const fromOtio = lockOf('lighthouse-v1.otio');
    const fromEdl = lockOf('lighthouse-v1.edl');
    expect(fromOtio.format).toBe('otio');
    expect(fromOtio.title).toBe('LIGHTHOUSE SC01-03 LOCK V1');
    const strip = ({ line: _line, ...rest }: { line: number }) => rest;
    expect(fromOtio.shots.map(strip)).toEqual(fromEdl.shots.map(strip));
    expect(fromOtio.shots[4]).toMatchObject({ name: 'SC02_SH01', transition: 'dissolve', transitionFrames: 24, recordIn: tc('01:00:22:00') });
  });

  it('gives each shot the line of its clip object', () => {
    const lock = lockOf('lighthouse-v1.otio');
    const lines = fs.readFileSync(fixture('lighthouse-v1.otio'), 'utf8').split('\n');
    expect(lock.shots[0]!.line).toBe(27);
    for (const s of lock.shots) {
      expect(lines[s.line - 1]!.trim()).toBe('{');
      expect(lines[s.line]).toContain('"Clip.1"');
    }
  });

  it('walks gaps, Clip.2 media references, reels from media metadata, wipes, and missing global_start_time', () => {
    const { lock, problems } = otio(
      timeline([
        { OTIO_SCHEMA: 'Gap.1', source_range: TR(0, 48) },
        { OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(1000, 24), metadata: { cmx_3600: { reel: 'R1' } } },
        {
          OTIO_SCHEMA: 'Clip.2',
          name: 'b',
          active_media_reference_key: 'HIGH',
          media_references: {
            DEFAULT_MEDIA: { OTIO_SCHEMA: 'MissingReference.1' },
            HIGH: { OTIO_SCHEMA: 'ExternalReference.1', metadata: { cmx_3600: { reel: 'R2' } }, available_range: TR(5000, 36) },
          },
        },
        { OTIO_SCHEMA: 'Transition.1', transition_type: 'Custom_Wipe', in_offset: RT(4), out_offset: RT(6) },
        { OTIO_SCHEMA: 'Clip.1', name: 'c', source_range: TR(9000, 30) },
        { OTIO_SCHEMA: 'Track.1', kind: 'Video', source_range: TR(0, 10), children: [] }, // nested: takes time, no shot
        { OTIO_SCHEMA: 'Clip.1', name: '', source_range: TR(20, 5) },
      ]),
    );
    expect(problems).toEqual([]);
    expect(lock!.shots.map((s) => [s.index, s.name, s.reel, s.track, s.transition, s.transitionFrames, s.sourceIn, s.sourceOut, s.recordIn, s.recordOut])).toEqual([
      [1, 'a', 'R1', 'V1', 'cut', 0, 1000, 1024, 48, 72],
      // clip b (its available range, no source_range) loses the 4 frames before the wipe's cut point
      [2, 'b', 'R2', 'V1', 'cut', 0, 5000, 5032, 72, 104],
      [3, 'c', 'AX', 'V1', 'wipe', 10, 8996, 9030, 104, 138],
      [4, null, 'AX', 'V1', 'cut', 0, 20, 25, 148, 153],
    ]);
  });

  it('unwraps a SerializableCollection holding a timeline, and converts RationalTimes of another rate (with PA603)', () => {
    const wrapped = { OTIO_SCHEMA: 'SerializableCollection.1', children: [timeline([{ OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(0, 24) }])] };
    expect(otio(wrapped).lock!.shots).toHaveLength(1);

    const at48 = otio(timeline([{ OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(96, 48, 48) }], { global_start_time: RT(86400) }));
    expect(where(at48.problems)).toHaveLength(1);
    expect(at48.problems[0]!.code).toBe('PA603');
    expect(at48.problems[0]!.message).toContain('48 fps');
    expect(at48.lock!.shots[0]).toMatchObject({ sourceIn: 48, sourceOut: 72, recordIn: 86400, recordOut: 86424 });

    // a 23.976 project reading rate-24 times (how some tools label 23.976) is not a disagreement
    const nominal = otio(timeline([{ OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(0, 24) }]), R23);
    expect(nominal.problems).toEqual([]);
    const exact = otio(timeline([{ OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(0, 24, 24000 / 1001) }]), R23);
    expect(exact.problems).toEqual([]);
  });

  it('PA601 for a JSON syntax error, at its line and column', () => {
    const r = readPictureLock(fixture('bad-json.otio'), R24, { displayPath: 'bad-json.otio' });
    expect(r.lock).toBeUndefined();
    expect(where(r.problems)).toEqual(['PA601 4:5']);
    expect(r.problems[0]!.message).toContain('not valid JSON');
    expect(where(parseOtio('{\n  "a": [1, 2,\n', { file: 'x.otio', frameRate: R24 }).problems)).toEqual(['PA601 3:1']);
  });

  it('PA601 for JSON that is not an OTIO timeline, or has no video track', () => {
    const r = readPictureLock(fixture('not-timeline.otio'), R24);
    expect(where(r.problems)).toEqual(['PA601 1:1']);
    expect(r.problems[0]!.message).toContain('"Clip.1"');
    expect(where(otio([1, 2]).problems)).toEqual(['PA601 1:1']);
    const noVideo = otio({ OTIO_SCHEMA: 'Timeline.1', tracks: { OTIO_SCHEMA: 'Stack.1', children: [] } });
    expect(noVideo.problems[0]!.code).toBe('PA601');
    expect(noVideo.problems[0]!.message).toContain('no video track');
  });

  it('PA602 for a clip without a usable range or with a malformed RationalTime, at the clip', () => {
    const { lock, problems } = otio(
      timeline([
        { OTIO_SCHEMA: 'Clip.1', name: 'ok', source_range: TR(0, 24) },
        { OTIO_SCHEMA: 'Clip.1', name: 'no range' },
        { OTIO_SCHEMA: 'Clip.1', name: 'bad', source_range: { OTIO_SCHEMA: 'TimeRange.1', start_time: RT(0), duration: { value: 'ten' } } },
      ]),
    );
    expect(problems.map((p) => p.code)).toEqual(['PA602', 'PA602']);
    expect(problems[0]!.message).toContain('"no range"');
    expect(problems[1]!.message).toContain('duration is not a RationalTime');
    expect(problems[0]!.line).toBeGreaterThan(1);
    expect(lock!.shots.map((s) => s.name)).toEqual(['ok']);
  });

  it('PA605 when a transition is longer than the clip it cuts into', () => {
    const { problems } = otio(
      timeline([
        { OTIO_SCHEMA: 'Clip.1', name: 'a', source_range: TR(0, 4) },
        { OTIO_SCHEMA: 'Transition.1', transition_type: 'SMPTE_Dissolve', in_offset: RT(10), out_offset: RT(10) },
        { OTIO_SCHEMA: 'Clip.1', name: 'b', source_range: TR(100, 48) },
      ]),
    );
    expect(problems.map((p) => p.code)).toContain('PA605');
  });
});
