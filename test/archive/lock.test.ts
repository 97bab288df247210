// postaudio.lock: reading (missing, damaged, newer), writing (sorted keys), and every way a
// project can differ from its lock.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/index.ts';
import { LockError, lockOf, lockProblems, readLock, stableJson, writeLock, type Lock } from '../../src/archive/lock.ts';
import { rewritePaths } from '../../src/archive/bundle.ts';
import { ENGINE_VERSION } from '../../src/renderers/versions.ts';
import { VALID_YAML, projectFactory, wav } from '../helpers/project.ts';

const makeProject = projectFactory();

function lockError(file: string): LockError {
  try {
    readLock(file);
  } catch (err) {
    if (err instanceof LockError) return err;
    throw err;
  }
  throw new Error('readLock did not throw');
}

describe('reading a lock', () => {
  const dir = makeProject({});
  const at = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('returns undefined when there is none', () => {
    expect(readLock(path.join(dir, 'none.lock'))).toBeUndefined();
  });

  it('refuses a damaged lock with a clear message and a hint', () => {
    const e = lockError(at('bad.lock', '{"lockVersion": 1, "sources": '));
    expect(e.code).toBe('PA705');
    expect(e.message).toMatch(/^postaudio\.lock is damaged: not valid JSON/);
    expect(e.hint).toMatch(/postaudio lock/);
    expect(lockError(at('arr.lock', '[]')).message).toBe('postaudio.lock is damaged: it is not a JSON object');
    expect(lockError(at('nosrc.lock', '{"lockVersion":1,"format":1,"engine":"0.1.0"}')).message).toBe('postaudio.lock is damaged: sources is missing');
    expect(lockError(at('hash.lock', '{"lockVersion":1,"format":1,"engine":"0.1.0","sources":{"a":{"path":"a.wav","size":1,"sha256":"xyz"}}}')).message).toBe(
      "postaudio.lock is damaged: source 'a' needs a path, a size and a sha256",
    );
  });

  it('refuses a lock from a newer postaudio, saying so', () => {
    const e = lockError(at('new.lock', '{"lockVersion": 2, "whatever": true}'));
    expect(e.code).toBe('PA705');
    expect(e.message).toBe('postaudio.lock has lockVersion 2, written by a newer postaudio (this one reads lockVersion 1)');
    expect(e.hint).toBe('upgrade postaudio to build or verify this project');
  });
});

describe('writing a lock', () => {
  it('is versioned JSON with sorted keys, and reads back', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const r = await compile(path.join(dir, 'postaudio.yaml'));
    const lock = lockOf(r.project!, null, { 'mix.wav': 'f'.repeat(64) });
    const file = path.join(dir, 'postaudio.lock');
    writeLock(file, lock);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(
      stableJson({
        deliverables: { 'mix.wav': 'f'.repeat(64) },
        engine: ENGINE_VERSION,
        format: 1,
        lockVersion: 1,
        picture: null,
        sources: { tone: { path: 'tone.wav', sha256: r.project!.sources.get('tone')!.sha256, size: 96080 } },
      }),
    );
    expect(Object.keys(JSON.parse(text))).toEqual(['deliverables', 'engine', 'format', 'lockVersion', 'picture', 'sources']);
    expect(readLock(file)).toEqual(lock);
  });

  it('stableJson sorts keys at every level and keeps arrays in order', () => {
    expect(stableJson({ b: { d: 1, c: [3, { z: 1, y: 2 }] }, a: null })).toBe('{\n  "a": null,\n  "b": {\n    "c": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ],\n    "d": 1\n  }\n}\n');
  });
});

describe('a project against its lock', () => {
  it('names changed, new and dropped sources, a changed picture lock and another engine', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const r = await compile(path.join(dir, 'postaudio.yaml'));
    const good = lockOf(r.project!, null);
    expect(lockProblems(good, r.project!, null)).toEqual([]);

    const changed: Lock = { ...good, sources: { tone: { ...good.sources.tone, sha256: '0'.repeat(64) }, gone: { path: 'gone.wav', size: 1, sha256: '1'.repeat(64) } }, engine: '0.0.1' };
    const problems = lockProblems(changed, r.project!, { rel: 'pic.edl', sha256: '2'.repeat(64) });
    expect(problems.map((p) => [p.code, p.source ?? null, p.message])).toEqual([
      ['PA701', 'tone', "source 'tone' (tone.wav) no longer matches postaudio.lock: sha256 000000000000… → " + r.project!.sources.get('tone')!.sha256.slice(0, 12) + '…'],
      ['PA702', 'gone', "postaudio.lock lists source 'gone' (gone.wav), which the project no longer has"],
      ['PA703', null, 'the picture lock pic.edl is not in postaudio.lock'],
      ['PA706', null, `postaudio.lock was written by postaudio engine 0.0.1; this is ${ENGINE_VERSION}: recorded deliverables may differ`],
    ]);
    expect(problems[0].loc).toEqual(r.project!.sources.get('tone')!.loc);

    const { tone: _tone, ...none } = good.sources;
    expect(lockProblems({ ...good, sources: none }, r.project!, null).map((p) => p.message)).toEqual(["source 'tone' (tone.wav) is not in postaudio.lock"]);
  });
});

describe('rewriting a path in archived YAML', () => {
  it('replaces only the value, found through the Document, and keeps every other byte', () => {
    const text = '# media on the shared drive\nsources:\n  a: ../shared/a.wav   # keep me\n  b: { file: ../shared/b.wav }\n';
    expect(
      rewritePaths(text, [
        { docPath: ['sources', 'a'], value: 'media/shared/a.wav' },
        { docPath: ['sources', 'b', 'file'], value: 'media/shared/b.wav' },
      ]),
    ).toBe('# media on the shared drive\nsources:\n  a: "media/shared/a.wav"   # keep me\n  b: { file: "media/shared/b.wav" }\n');
  });
});
