import { describe, expect, it } from 'vitest';
import { conformShots, mapRecordFrame, pictureChangedBetween, type PictureLock, type Shot } from '../../src/picture/index.ts';
import { lockOf, tc } from './helpers.ts';

const v1 = lockOf('lighthouse-v1.edl');
const v2 = lockOf('lighthouse-v2.edl');
const c = conformShots(v1, v2);

describe('Lighthouse v2 (the re-cut) as written', () => {
  it('starts with 1 s of black, drops SC02_SH04, trims SC01_SH03, and runs 80.5 s', () => {
    expect(v2.shots[0]).toMatchObject({ reel: 'BL', name: null, recordIn: tc('01:00:00:00'), recordOut: tc('01:00:01:00') });
    expect(v2.shots.map((s) => s.name)).not.toContain('SC02_SH04');
    expect(v2.shots).toHaveLength(14);
    expect(v2.shots.at(-1)!.recordOut).toBe(tc('01:01:20:12'));
  });
});

describe('conformShots v1 → v2', () => {
  const by = (name: string) => c.shots.find((s) => s.shot.name === name)!;
  const summary = c.shots.map((s) => [s.shot.name, s.status, s.shift, s.headTrim, s.tailTrim]);

  it('classifies every v1 shot', () => {
    expect(summary).toEqual([
      ['SC01_SH01', 'moved', 24, 0, 0], // SC01 starts 1 s later (black at the head)
      ['SC01_SH02', 'moved', 24, 0, 0],
      ['SC01_SH03', 'trimmed', 12, 12, 0], // 12 frames off its head: +24 − 12
      ['SC01_SH04', 'moved', 12, 0, 0],
      ['SC02_SH01', 'moved', 12, 0, 0], // the dissolve moves with it
      ['SC02_SH02', 'moved', 12, 0, 0],
      ['SC02_SH03', 'moved', 12, 0, 0],
      ['SC02_SH04', 'removed', 0, 0, 0],
      ['SC02_SH05', 'moved', -84, 0, 0], // +12 − 96
      ['SC03_SH01', 'moved', -84, 0, 0],
      ['SC03_SH02', 'moved', -84, 0, 0],
      ['SC03_SH03', 'moved', -84, 0, 0],
      ['SC03_SH04', 'moved', -84, 0, 0],
      ['SC03_SH05', 'moved', -84, 0, 0],
    ]);
  });

  it('gives new record ranges and the matched shots', () => {
    expect(by('SC01_SH03')).toMatchObject({
      matchedBy: 'name',
      newRecordIn: tc('01:00:12:00'),
      newRecordOut: tc('01:00:18:12'),
      newShot: { index: 4, sourceIn: tc('15:04:40:12') },
    });
    expect(by('SC02_SH04')).toMatchObject({ newShot: null, matchedBy: null, newRecordIn: null, newRecordOut: null });
    expect(by('SC03_SH05')).toMatchObject({ newRecordIn: tc('01:01:13:12'), newRecordOut: tc('01:01:20:12') });
    // shift is the move of the first common source frame: 01:00:11:12 in v1 → 01:00:12:00 in v2
    expect(by('SC01_SH03').newRecordIn! - (by('SC01_SH03').shot.recordIn + 12)).toBe(12);
  });

  it('lists the added black', () => {
    expect(c.added.map((s) => [s.index, s.reel, s.recordIn, s.recordOut])).toEqual([[1, 'BL', tc('01:00:00:00'), tc('01:00:01:00')]]);
  });

  it('matches by source when names are missing or not unique', () => {
    const anon = (l: PictureLock): PictureLock => ({ ...l, shots: l.shots.map((s) => ({ ...s, name: null })) });
    const a = conformShots(anon(v1), anon(v2));
    expect(a.shots.map((s) => [s.status, s.shift, s.headTrim])).toEqual(summary.map((r) => [r[1], r[2], r[3]]));
    expect(a.shots.every((s) => s.matchedBy === 'source' || s.status === 'removed')).toBe(true);
  });

  it('is unchanged against itself, and the same through the OTIO version', () => {
    const same = conformShots(v1, v1);
    expect(same.shots.every((s) => s.status === 'unchanged' && s.shift === 0)).toBe(true);
    expect(same.added).toEqual([]);
    const viaOtio = conformShots(lockOf('lighthouse-v1.otio'), v2);
    expect(viaOtio.shots.map((s) => [s.shot.name, s.status, s.shift, s.headTrim, s.tailTrim])).toEqual(summary);
  });

  it('reports tail trims and extensions (negative trims), and a take swap as removed + added', () => {
    const shots = v1.shots.map((s): Shot => {
      if (s.name === 'SC03_SH05') return { ...s, sourceOut: s.sourceOut - 10, recordOut: s.recordOut - 10 };
      if (s.name === 'SC03_SH04') return { ...s, sourceIn: s.sourceIn - 5, sourceOut: s.sourceOut - 5 }; // slipped: 5 more frames of head, 5 fewer of tail
      if (s.name === 'SC01_SH02') return { ...s, reel: 'A001C008', sourceIn: 1000, sourceOut: 1120 }; // another take, same name
      return s;
    });
    const r = conformShots(v1, { ...v1, shots });
    const get = (n: string) => r.shots.find((s) => s.shot.name === n)!;
    expect(get('SC03_SH05')).toMatchObject({ status: 'trimmed', headTrim: 0, tailTrim: 10, shift: 0 });
    expect(get('SC03_SH04')).toMatchObject({ status: 'trimmed', headTrim: -5, tailTrim: 5, shift: 5 });
    expect(get('SC01_SH02')).toMatchObject({ status: 'removed' });
    expect(r.added.map((s) => s.reel)).toEqual(['A001C008']);
  });
});

describe('mapRecordFrame v1 → v2', () => {
  const map = (t: string) => mapRecordFrame(c, tc(t));
  it('maps through the source frame of the shot containing the position', () => {
    expect(map('01:00:00:00')).toEqual({ frame: tc('01:00:01:00') });
    expect(map('01:00:10:23')).toEqual({ frame: tc('01:00:11:23') }); // last frame of SC01_SH02
    expect(map('01:00:11:12')).toEqual({ frame: tc('01:00:12:00') }); // first surviving frame of SC01_SH03
    expect(map('01:00:17:23')).toEqual({ frame: tc('01:00:18:11') });
    expect(map('01:00:22:00')).toEqual({ frame: tc('01:00:22:12') }); // start of the dissolve
    expect(map('01:00:45:00')).toEqual({ frame: tc('01:00:41:12') });
    expect(map('01:01:23:23')).toEqual({ frame: tc('01:01:20:11') });
  });

  it('reports frames that are no longer in the cut as removed', () => {
    expect(map('01:00:11:00')).toEqual({ removed: true }); // trimmed head of SC01_SH03
    expect(map('01:00:11:11')).toEqual({ removed: true });
    expect(map('01:00:41:00')).toEqual({ removed: true }); // SC02_SH04
    expect(map('01:00:44:23')).toEqual({ removed: true });
  });

  it('keeps the distance to the nearest shot outside the cut', () => {
    expect(map('01:01:24:00')).toEqual({ frame: tc('01:01:20:12') });
    expect(map('01:01:30:00')).toEqual({ frame: tc('01:01:26:12') });
    expect(map('00:59:58:00')).toEqual({ frame: tc('00:59:59:00') });
  });

  it('follows footage into another shot of the same take (a shot split in two)', () => {
    const s = v1.shots[12]!; // SC03_SH04, 216 frames
    const a: Shot = { ...s, sourceOut: s.sourceIn + 100, recordOut: s.recordIn + 100 };
    const b: Shot = { ...s, index: 99, name: 'SC03_SH04B', sourceIn: s.sourceIn + 100, recordIn: s.recordIn + 148, recordOut: s.recordOut + 148 };
    const cut: PictureLock = { ...v1, shots: [...v1.shots.slice(0, 12), a, b] };
    const r = conformShots(v1, cut);
    expect(r.shots[12]).toMatchObject({ status: 'trimmed', tailTrim: 116, shift: 0 });
    expect(mapRecordFrame(r, s.recordIn + 99)).toEqual({ frame: s.recordIn + 99 });
    expect(mapRecordFrame(r, s.recordIn + 100)).toEqual({ frame: s.recordIn + 148 });
    expect(mapRecordFrame(r, s.recordIn + 150)).toEqual({ frame: s.recordIn + 198 });
    expect(r.added).toEqual([b]);
  });
});

describe('pictureChangedBetween', () => {
  it('is false against itself and for empty ranges', () => {
    expect(pictureChangedBetween(v1, v1, tc('01:00:00:00'), tc('01:01:24:00'))).toBe(false);
    expect(pictureChangedBetween(v1, v2, tc('01:00:10:00'), tc('01:00:10:00'))).toBe(false);
  });

  it('is true wherever v2 moved the picture', () => {
    expect(pictureChangedBetween(v1, v2, tc('01:00:00:00'), tc('01:00:00:01'))).toBe(true); // black now
    expect(pictureChangedBetween(v1, v2, tc('01:01:00:00'), tc('01:01:01:00'))).toBe(true);
  });

  it('looks only at the range asked about', () => {
    // v1 with SC03_SH05 trimmed at its tail: everything before 01:01:23:14 is the same picture
    const shots = v1.shots.map((s) => (s.name === 'SC03_SH05' ? { ...s, sourceOut: s.sourceOut - 10, recordOut: s.recordOut - 10 } : s));
    const late: PictureLock = { ...v1, shots };
    expect(pictureChangedBetween(v1, late, tc('01:00:00:00'), tc('01:01:23:14'))).toBe(false);
    expect(pictureChangedBetween(v1, late, tc('01:00:00:00'), tc('01:01:23:15'))).toBe(true);
    expect(pictureChangedBetween(v1, late, tc('01:01:23:20'), tc('01:01:24:00'))).toBe(true);
  });

  it('sees a changed dissolve and a changed take even when the cut points stay', () => {
    const longer: PictureLock = { ...v1, shots: v1.shots.map((s) => (s.index === 5 ? { ...s, transitionFrames: 48 } : s)) };
    expect(pictureChangedBetween(v1, longer, tc('01:00:23:00'), tc('01:00:24:00'))).toBe(true);
    expect(pictureChangedBetween(v1, longer, tc('01:00:23:12'), tc('01:00:23:13'))).toBe(true); // inside the longer dissolve only
    expect(pictureChangedBetween(v1, longer, tc('01:00:24:00'), tc('01:00:30:00'))).toBe(false);
    const swapped: PictureLock = { ...v1, shots: v1.shots.map((s) => (s.index === 7 ? { ...s, reel: 'A004C002' } : s)) };
    expect(pictureChangedBetween(v1, swapped, tc('01:00:36:00'), tc('01:00:37:00'))).toBe(true);
    expect(pictureChangedBetween(v1, swapped, tc('01:00:41:00'), tc('01:00:42:00'))).toBe(false);
  });
});
