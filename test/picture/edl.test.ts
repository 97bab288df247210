import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEdl, readPictureLock, type Shot } from '../../src/picture/index.ts';
import { DF, R23, R24, R25, R2997, fixture, lockOf, tc, where } from './helpers.ts';

/** shot → a row that reads like the EDL: [event, name, reel, track, transition, frames, src in, src out, rec in, rec out, line] */
function row(s: Shot) {
  return [s.index, s.name, s.reel, s.track, s.transition, s.transitionFrames, s.sourceIn, s.sourceOut, s.recordIn, s.recordOut, s.line];
}

const edl = (text: string, r = R24) => parseEdl(text, { file: 'test.edl', frameRate: r });

describe('parseEdl: Lighthouse v1 (Avid style)', () => {
  const lock = lockOf('lighthouse-v1.edl');

  it('reads the header', () => {
    expect(lock.format).toBe('cmx3600');
    expect(lock.title).toBe('LIGHTHOUSE SC01-03 LOCK V1');
    expect(lock.frameRate).toBe(R24);
    expect(lock.dropFrame).toBe(false);
    expect(lock.file).toBe('lighthouse-v1.edl');
  });

  it('has 14 shots in record order covering 01:00:00:00–01:01:24:00 without gaps', () => {
    expect(lock.shots.map((s) => s.name)).toEqual([
      'SC01_SH01', 'SC01_SH02', 'SC01_SH03', 'SC01_SH04',
      'SC02_SH01', 'SC02_SH02', 'SC02_SH03', 'SC02_SH04', 'SC02_SH05',
      'SC03_SH01', 'SC03_SH02', 'SC03_SH03', 'SC03_SH04', 'SC03_SH05',
    ]);
    expect(lock.shots.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(lock.shots[0]!.recordIn).toBe(tc('01:00:00:00'));
    expect(lock.shots.at(-1)!.recordOut).toBe(tc('01:01:24:00'));
    for (let i = 1; i < lock.shots.length; i++) expect(lock.shots[i]!.recordIn).toBe(lock.shots[i - 1]!.recordOut);
    for (const s of lock.shots) expect(s.sourceOut - s.sourceIn).toBe(s.recordOut - s.recordIn);
  });

  it('reads each event exactly', () => {
    expect(row(lock.shots[0]!)).toEqual([1, 'SC01_SH01', 'A001C003', 'V', 'cut', 0, tc('14:22:10:05'), tc('14:22:16:05'), tc('01:00:00:00'), tc('01:00:06:00'), 4]);
    expect(row(lock.shots[2]!)).toEqual([3, 'SC01_SH03', 'A002C001', 'V', 'cut', 0, tc('15:04:40:00'), tc('15:04:47:00'), tc('01:00:11:00'), tc('01:00:18:00'), 10]);
    expect(row(lock.shots[13]!)).toEqual([14, 'SC03_SH05', 'A008C001', 'V', 'cut', 0, tc('20:40:44:10'), tc('20:40:51:10'), tc('01:01:17:00'), tc('01:01:24:00'), 46]);
  });

  it('turns the dissolve pair into one incoming shot named by TO CLIP NAME; the outgoing zero-length line makes no shot', () => {
    const [sh04, sh01] = [lock.shots[3]!, lock.shots[4]!];
    expect(row(sh04)).toEqual([4, 'SC01_SH04', 'A002C004', 'V', 'cut', 0, tc('15:12:18:20'), tc('15:12:22:20'), tc('01:00:18:00'), tc('01:00:22:00'), 14]);
    expect(row(sh01)).toEqual([5, 'SC02_SH01', 'A003C002', 'V', 'dissolve', 24, tc('09:10:00:00'), tc('09:10:08:00'), tc('01:00:22:00'), tc('01:00:30:00'), 17]); // the line where event 005 starts
    expect(lock.shots.filter((s) => s.index === 5)).toHaveLength(1);
  });
});

describe('parseEdl: other systems', () => {
  it('Premiere (25 fps, AX reels, AA/V and audio-only events, a dissolve, black, blank lines between events)', () => {
    const lock = lockOf('premiere-25.edl', R25);
    expect(lock.title).toBe('HARBOUR_TEASER');
    const T = (t: string) => tc(t, R25);
    expect(lock.shots.map((s) => row(s))).toEqual([
      [1, 'harbour_wide_01.mov', 'AX', 'AA/V', 'cut', 0, T('00:00:00:00'), T('00:00:03:12'), T('01:00:00:00'), T('01:00:03:12'), 4],
      [2, 'rope_cu_03.mov', 'AX', 'V', 'cut', 0, T('00:00:10:00'), T('00:00:14:05'), T('01:00:03:12'), T('01:00:07:17'), 7],
      // event 003 is audio only (AA); event 006 too (A)
      [4, 'gull_tracking_02.mov', 'AX', 'V', 'dissolve', 25, T('00:00:30:00'), T('00:00:36:00'), T('01:00:07:17'), T('01:00:13:17'), 13],
      [5, null, 'BL', 'V', 'cut', 0, T('00:00:00:00'), T('00:00:01:00'), T('01:00:13:17'), T('01:00:14:17'), 19],
    ]);
  });

  it('Resolve (23.976, CRLF, long reels, M2 line, a wipe, events out of record order, trailing spaces)', () => {
    expect(fs.readFileSync(fixture('resolve-2398-crlf.edl'), 'latin1')).toContain('\r\n');
    const lock = lockOf('resolve-2398-crlf.edl', R23);
    expect(lock.frameRate).toBe(R23);
    expect(lock.title).toBe('Timeline 1 - conform');
    expect(lock.shots.map((s) => row(s))).toEqual([
      [1, 'A012C003_250614_R2K8.mov', 'A012C003_250614_R2K8', 'V', 'cut', 0, tc('14:22:10:05'), tc('14:22:14:00'), tc('01:00:00:00'), tc('01:00:03:19'), 7],
      // M2 at 48 fps: twice as much source as record, kept as written
      [2, 'A012C005_250614_R2K8.mov', 'A012C005_250614_R2K8', 'V', 'cut', 0, tc('14:40:00:00'), tc('14:40:06:00'), tc('01:00:03:19'), tc('01:00:06:19'), 11],
      [3, 'B004C011_250615_R1QA.mov', 'B004C011_250615_R1QA', 'V', 'cut', 0, tc('11:02:00:00'), tc('11:02:03:00'), tc('01:00:06:19'), tc('01:00:09:19'), 4],
      [5, 'C001C001_250616_R3ZZ.mov', 'C001C001_250616_R3ZZ', 'V', 'wipe', 12, tc('08:00:00:00'), tc('08:00:04:00'), tc('01:00:09:19'), tc('01:00:13:19'), 17],
    ]);
  });

  it('29.97 drop-frame: counts real frames across dropped timecode labels', () => {
    const lock = lockOf('ntsc-df.edl', DF);
    expect(lock.dropFrame).toBe(true);
    expect(lock.frameRate).toBe(DF);
    const rows = lock.shots.map((s) => row(s));
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      [1, 'INT_DOCK_WS', 'TAPE01', 'V'],
      [2, 'INT_DOCK_CU', 'TAPE02', 'B'], // B = audio + video: a picture event
      [3, 'INT_DOCK_WS', 'TAPE01', 'V'],
      [4, 'INT_DOCK_CU', 'TAPE02', 'V'],
    ]);
    const [s1, s2, s3, s4] = lock.shots as [Shot, Shot, Shot, Shot];
    // 00:00:58;00 → 00:01:02;00 crosses minute 1, where ;00 and ;01 do not exist: 118 frames, not 120
    expect([s1.sourceIn, s1.sourceOut]).toEqual([1740, 1858]);
    expect([s1.recordIn, s1.recordOut]).toEqual([107892, 108010]);
    // minute 10 drops nothing: 2 s is 60 frames
    expect(s2.sourceOut - s2.sourceIn).toBe(60);
    expect(s3.recordOut - s3.recordIn).toBe(s3.sourceOut - s3.sourceIn);
    expect(s3.recordOut).toBe(109694); // 01:01:00;04
    expect(s4.recordIn).toBe(s3.recordOut);
  });

  it('accepts BOM, missing header, ":"-separated drop-frame, K(ey) events, and comments between the lines of a dissolve', () => {
    const text = [
      '\uFEFF001  R1       V     C        00:00:00:00 00:00:01:00 00:00:10:00 00:00:11:00',
      '002  R1       V     C        00:00:01:00 00:00:01:00 00:00:11:00 00:00:11:00',
      '* FROM CLIP NAME: OUT',
      '002  R2       V     D    010 00:05:00:00 00:05:02:00 00:00:11:00 00:00:13:00',
      '* TO CLIP NAME: IN',
      'AUD  3    4',
      '003  R3       V     K        00:09:00:00 00:09:01:00 00:00:13:00 00:00:14:00',
    ].join('\n');
    const { lock, problems } = edl(text);
    expect(problems).toEqual([]);
    expect(lock!.title).toBeNull();
    expect(lock!.dropFrame).toBe(false);
    expect(lock!.shots.map((s) => [s.index, s.name, s.reel, s.transition, s.transitionFrames])).toEqual([
      [1, null, 'R1', 'cut', 0],
      [2, 'IN', 'R2', 'dissolve', 10],
      [3, null, 'R3', 'cut', 0],
    ]);
  });

  it('keeps a non-empty outgoing line of a transition as its own shot, named by FROM CLIP NAME', () => {
    const text = [
      'TITLE: T',
      '001  R1       V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00',
      '001  R2       V     W002 012 00:00:10:00 00:00:12:00 01:00:02:00 01:00:04:00',
      '* FROM CLIP NAME: A',
      '* TO CLIP NAME: B',
    ].join('\r\n');
    const { lock, problems } = edl(text);
    expect(problems).toEqual([]);
    expect(lock!.shots.map((s) => [s.name, s.transition, s.transitionFrames, s.line])).toEqual([
      ['A', 'cut', 0, 2],
      ['B', 'wipe', 12, 2], // both halves belong to event 001, which starts on line 2
    ]);
  });

  it('sorts out-of-order events by record in', () => {
    const text = [
      'TITLE: T',
      '002  R2       V     C        00:00:00:00 00:00:01:00 01:00:01:00 01:00:02:00',
      '001  R1       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00',
      '003  R3       V     C        00:00:00:00 00:00:01:00 01:00:02:00 01:00:03:00',
    ].join('\n');
    expect(edl(text).lock!.shots.map((s) => [s.index, s.line])).toEqual([
      [1, 3],
      [2, 2],
      [3, 4],
    ]);
  });
});

describe('parseEdl: problems', () => {
  it('PA601 for text that is not an EDL', () => {
    const r = readPictureLock(fixture('not-an-edl.edl'), R24, { displayPath: 'not-an-edl.edl' });
    expect(r.lock).toBeUndefined();
    expect(where(r.problems)).toEqual(['PA601 1:1']);
    expect(r.problems[0]!.message).toMatch(/not a CMX3600 EDL.*no event lines/);
  });

  it('PA601 for prose whose lines start with numbers (no header, nothing parses), binary data, and an audio-only EDL', () => {
    expect(where(edl('2024 was a good year for sound.\n12 reels were mixed.\n').problems)).toEqual(['PA601 1:1']);
    expect(where(edl('\0\x01\x02binary').problems)).toEqual(['PA601 1:1']);
    const audio = edl('TITLE: MX\n001  R1       A     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n');
    expect(audio.lock).toBeUndefined();
    expect(where(audio.problems)).toEqual(['PA601 1:1']);
    expect(audio.problems[0]!.message).toMatch(/no video events/);
    expect(edl('{"OTIO_SCHEMA": "Timeline.1"}').problems[0]!.message).toMatch(/looks like JSON/);
  });

  it('PA602 at the column of the bad field, and the good events still read', () => {
    const r = readPictureLock(fixture('bad-events.edl'), R24);
    expect(where(r.problems)).toEqual([
      'PA602 5:42', // "14:31:O7:11": a letter O
      'PA602 6:15', // track "X"
      'PA602 7:65', // only three timecodes: points just past the end of the line
      'PA602 8:30', // "D" without a length
      'PA602 9:21', // transition "Q"
    ]);
    expect(r.problems[0]!.message).toContain('"14:31:O7:11" is not a timecode');
    expect(r.problems[1]!.message).toContain('"X" is not a track');
    expect(r.problems[2]!.message).toContain('found 3');
    expect(r.problems[3]!.message).toContain('needs its length in frames');
    expect(r.lock!.shots.map((s) => s.index)).toEqual([1, 7]);
  });

  it('PA602 for impossible timecodes and trailing garbage', () => {
    expect(where(edl('TITLE: T\n001  R1       V     C        00:00:00:00 00:61:00:00 01:00:00:00 01:00:01:00').problems)).toEqual(['PA602 2:42']);
    expect(where(edl('TITLE: T\n001  R1       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00 EXTRA').problems)).toEqual(['PA602 2:78']);
    expect(where(edl('001').problems)).toEqual(['PA601 1:1']); // a lone number, no header: not an EDL
    expect(where(edl('TITLE: T\n001').problems)).toEqual(['PA602 2:4']);
  });

  it('PA603 for a drop-frame EDL in a 24 fps project (at the FCM value), and for frames the rate does not have', () => {
    const r = readPictureLock(fixture('df-in-24.edl'), R24);
    expect(where(r.problems)).toEqual(['PA603 2:6', 'PA603 4:66']);
    expect(r.problems[0]!.message).toContain('FCM: DROP FRAME');
    expect(r.problems[0]!.message).toContain('24 fps');
    expect(r.problems[1]!.message).toContain('frame 28');
  });

  it('PA603 once for the first frame ≥ the rate, counting the others', () => {
    const r = readPictureLock(fixture('frames-over-rate.edl'), R24);
    expect(where(r.problems)).toEqual(['PA603 5:42']);
    expect(r.problems[0]!.message).toContain('frame 29');
    expect(r.problems[0]!.message).toContain('1 more timecode');
    expect(r.lock!.shots.map((s) => s.index)).toEqual([1]);
  });

  it('PA603 for drop/non-drop disagreeing at 29.97', () => {
    const ndfInDf = readPictureLock(fixture('lighthouse-v1.edl'), DF);
    expect(where(ndfInDf.problems)).toEqual(['PA603 2:6']);
    expect(ndfInDf.problems[0]!.message).toContain('NON-DROP');
    const dfInNdf = readPictureLock(fixture('ntsc-df.edl'), R2997);
    expect(where(dfInNdf.problems)).toEqual(['PA603 2:6']);
    // read as drop-frame anyway, so frame counts are right for the file
    expect(dfInNdf.lock!.frameRate).toBe(DF);
    expect(dfInNdf.lock!.shots[0]!.sourceOut).toBe(1858);
    // ';' without any FCM line, in a non-drop project
    expect(where(edl('001  R1       V     C        00:00:00;00 00:00:01;00 01:00:00;00 01:00:01;00').problems)).toEqual(['PA603 1:30']);
  });

  it('PA604 for overlapping video events, naming both lines (audio events do not count)', () => {
    const r = readPictureLock(fixture('overlap.edl'), R24);
    expect(where(r.problems)).toEqual(['PA604 6:54']);
    const p = r.problems[0]!;
    expect(p.message).toContain('line 6');
    expect(p.message).toContain('line 4');
    expect(p.message).toContain('12 frame(s)');
    expect(p.related).toEqual([{ message: 'event 001 is here', line: 4, col: 54 }]);
    expect(r.lock!.shots).toHaveLength(2);
  });

  it('PA604 points at the line that holds the overlapping record in, even inside a two-line event', () => {
    const text = [
      'TITLE: T',
      '001  R1       V     C        00:00:00:00 00:00:02:00 01:00:00:00 01:00:02:00',
      '002  R1       V     C        00:00:02:00 00:00:02:00 01:00:01:00 01:00:01:00',
      '002  R2       V     D    012 00:00:10:00 00:00:12:00 01:00:01:00 01:00:03:00',
    ].join('\n');
    const r = edl(text);
    expect(where(r.problems)).toEqual(['PA604 4:54']);
    expect(r.problems[0]!.related).toEqual([{ message: 'event 001 is here', line: 2, col: 54 }]);
    expect(r.lock!.shots.map((s) => s.line)).toEqual([2, 3]);
  });

  it('PA605 for record out before record in (at the record out field), and source out before source in', () => {
    const r = readPictureLock(fixture('reversed.edl'), R24);
    expect(where(r.problems)).toEqual(['PA605 4:66']);
    expect(r.lock!.shots).toEqual([]);
    expect(where(edl('TITLE: T\n001  R1       V     C        00:00:02:00 00:00:01:00 01:00:00:00 01:00:01:00').problems)).toEqual(['PA605 2:42']);
  });
});
