import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorToRecord, findShot, pictureDiagnostics, readPictureLock, shotAt, type PictureLock } from '../../src/picture/index.ts';
import { R24, fixture, lockOf, tc, where } from './helpers.ts';

const v1 = lockOf('lighthouse-v1.edl');

describe('readPictureLock', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'postaudio-picture-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const copy = (from: string, to: string) => {
    const p = path.join(tmp, to);
    fs.copyFileSync(fixture(from), p);
    return p;
  };

  it('chooses the reader by extension, else by content', () => {
    expect(readPictureLock(fixture('lighthouse-v1.edl'), R24).lock!.format).toBe('cmx3600');
    expect(readPictureLock(fixture('lighthouse-v1.otio'), R24).lock!.format).toBe('otio');
    expect(readPictureLock(copy('lighthouse-v1.otio', 'cut.json'), R24).lock!.format).toBe('otio');
    expect(readPictureLock(copy('lighthouse-v1.edl', 'cut.txt'), R24).lock!.format).toBe('cmx3600');
    expect(readPictureLock(copy('lighthouse-v1.edl', 'CUT'), R24).lock!.shots).toHaveLength(14);
  });

  it('records the display path, and falls back to Latin-1 for non-UTF-8 files', () => {
    const p = path.join(tmp, 'latin1.edl');
    fs.writeFileSync(p, Buffer.from('TITLE: CAF\xc9\n001  R1       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n* FROM CLIP NAME: SC\xc91\n', 'latin1'));
    const r = readPictureLock(p, R24, { displayPath: 'picture/latin1.edl' });
    expect(r.problems).toEqual([]);
    expect(r.lock!.file).toBe('picture/latin1.edl');
    expect(r.lock!.title).toBe('CAFÉ');
    expect(r.lock!.shots[0]!.name).toBe('SCÉ1');
  });

  it('PA601 (line 0: the whole file) for a missing file or a folder, PA601 for XML', () => {
    expect(where(readPictureLock(path.join(tmp, 'nope.edl'), R24).problems)).toEqual(['PA601 0:0']);
    expect(readPictureLock(path.join(tmp, 'nope.edl'), R24).problems[0]!.message).toContain('no such file');
    expect(where(readPictureLock(tmp, R24).problems)).toEqual(['PA601 0:0']);
    const xml = path.join(tmp, 'cut.xml');
    fs.writeFileSync(xml, '<?xml version="1.0"?><xmeml/>');
    expect(where(readPictureLock(xml, R24).problems)).toEqual(['PA601 1:1']);
  });

  it('turns problems into compiler diagnostics', () => {
    const r = readPictureLock(fixture('overlap.edl'), R24);
    expect(pictureDiagnostics(r.problems, 'picture/overlap.edl')).toEqual([
      {
        code: 'PA604',
        severity: 'error',
        message: r.problems[0]!.message,
        file: 'picture/overlap.edl',
        line: 6,
        col: 54,
        hint: 'event 001 is here (line 4)',
      },
    ]);
    const missing = pictureDiagnostics([{ code: 'PA601', message: 'm', line: 0, col: 0 }], 'x.edl');
    expect(missing[0]).toEqual({ code: 'PA601', severity: 'error', message: 'm', file: 'x.edl' });
  });
});

describe('findShot', () => {
  it('finds by clip name (exact, then case-insensitive) and by event number', () => {
    expect(findShot(v1, { shot: 'SC02_SH03' })).toEqual({ shot: v1.shots[6] });
    expect(findShot(v1, { shot: 'sc02_sh03' })).toEqual({ shot: v1.shots[6] });
    expect(findShot(v1, { shot: 5 })).toEqual({ shot: v1.shots[4] });
    expect(findShot(v1, { shot: '005' })).toEqual({ shot: v1.shots[4] });
  });

  it('finds by reel and source frame', () => {
    expect(findShot(v1, { reel: 'A004C001', tc: tc('10:02:15:00') })).toEqual({ shot: v1.shots[6] });
    expect(findShot(v1, { reel: 'a004c001' })).toEqual({ shot: v1.shots[6] });
    // the source out is exclusive
    const r = findShot(v1, { reel: 'A004C001', tc: tc('10:02:18:16') });
    expect(r).toEqual({ error: 'not-found', candidates: [v1.shots[6]] });
  });

  it('not-found suggests similar names', () => {
    const r = findShot(v1, { shot: 'SC02_SH3' });
    expect('error' in r && r.error).toBe('not-found');
    expect('candidates' in r && r.candidates.map((s) => s.name)[0]).toBe('SC02_SH03');
    expect(findShot(v1, { shot: 'NOTHING_LIKE_IT' })).toEqual({ error: 'not-found', candidates: [] });
    expect(findShot(v1, { reel: 'Z999' })).toEqual({ error: 'not-found', candidates: [] });
    expect(findShot(v1, {})).toEqual({ error: 'not-found', candidates: [] });
  });

  it('is ambiguous when a clip is cut in twice or a reel range is used twice', () => {
    const twice: PictureLock = { ...v1, shots: [...v1.shots, { ...v1.shots[0]!, index: 15, recordIn: tc('01:01:24:00'), recordOut: tc('01:01:30:00'), line: 50 }] };
    const byName = findShot(twice, { shot: 'SC01_SH01' });
    expect(byName).toEqual({ error: 'ambiguous', candidates: [twice.shots[0], twice.shots[14]] });
    expect(findShot(twice, { reel: 'A001C003', tc: tc('14:22:11:00') })).toMatchObject({ error: 'ambiguous' });
    // more criteria disambiguate
    expect(findShot(twice, { shot: 15, reel: 'A001C003' })).toEqual({ shot: twice.shots[14] });
  });
});

describe('anchorToRecord', () => {
  it('shot + offset: offset from the shot’s first frame', () => {
    expect(anchorToRecord(v1, { shot: 'SC02_SH02', offsetFrames: 12 })).toEqual({ frame: tc('01:00:30:12'), shot: v1.shots[5], inside: true });
    expect(anchorToRecord(v1, { shot: 6, offsetFrames: 0 })).toMatchObject({ frame: tc('01:00:30:00'), inside: true });
    // pre-lap before the cut, and past the shot's end: still a frame, flagged outside
    expect(anchorToRecord(v1, { shot: 'SC02_SH02', offsetFrames: -6 })).toMatchObject({ frame: tc('01:00:29:18'), inside: false });
    expect(anchorToRecord(v1, { shot: 'SC02_SH02', offsetFrames: 120 })).toMatchObject({ frame: tc('01:00:35:00'), inside: false });
  });

  it('reel + source frame: through the shot showing it', () => {
    // SC03_SH04 shows A007C006 from 20:22:08:04 at 01:01:08:00
    expect(anchorToRecord(v1, { reel: 'A007C006', sourceFrame: tc('20:22:10:00') })).toEqual({ frame: tc('01:01:09:20'), shot: v1.shots[12], inside: true });
    // the dissolve's incoming shot starts where the dissolve starts
    expect(anchorToRecord(v1, { reel: 'A003C002', sourceFrame: tc('09:10:00:00') })).toMatchObject({ frame: tc('01:00:22:00') });
  });

  it('same anchors through the OTIO version', () => {
    const o = lockOf('lighthouse-v1.otio');
    expect(anchorToRecord(o, { reel: 'A007C006', sourceFrame: tc('20:22:10:00') })).toMatchObject({ frame: tc('01:01:09:20') });
    expect(anchorToRecord(o, { shot: 'SC01_SH03', offsetFrames: 29 })).toMatchObject({ frame: tc('01:00:12:05') });
  });

  it('errors pass through', () => {
    expect(anchorToRecord(v1, { shot: 'SC09_SH09', offsetFrames: 0 })).toMatchObject({ error: 'not-found' });
    expect(anchorToRecord(v1, { reel: 'A007C006', sourceFrame: tc('23:00:00:00') })).toMatchObject({ error: 'not-found' });
  });
});

describe('shotAt', () => {
  it('finds the shot showing a record frame; undefined in a gap or outside the cut', () => {
    expect(shotAt(v1, tc('01:00:00:00'))).toBe(v1.shots[0]);
    expect(shotAt(v1, tc('01:00:05:23'))).toBe(v1.shots[0]);
    expect(shotAt(v1, tc('01:00:06:00'))).toBe(v1.shots[1]);
    expect(shotAt(v1, tc('01:01:23:23'))).toBe(v1.shots[13]);
    expect(shotAt(v1, tc('01:01:24:00'))).toBeUndefined();
    expect(shotAt(v1, tc('00:59:59:23'))).toBeUndefined();
    const gappy: PictureLock = { ...v1, shots: [v1.shots[0]!, v1.shots[2]!] };
    expect(shotAt(gappy, tc('01:00:08:00'))).toBeUndefined();
  });
});
