import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { FORMAT_VERSION, MIGRATIONS, migrate } from '../../src/compiler/load.ts';

describe('format migrations', () => {
  afterEach(() => {
    delete MIGRATIONS[0];
  });

  it('leaves a current-version file untouched', () => {
    const doc = parseDocument('postaudio: 1 # v1\nproject: { title: T }\n');
    const before = doc.toString();
    migrate(doc);
    expect(FORMAT_VERSION).toBe(1);
    expect(doc.toString()).toBe(before);
  });

  it('upgrades an older file step by step through the Document API', () => {
    // a pretend version 0 that called buses "groups"
    MIGRATIONS[0] = (doc) => {
      const groups = doc.get('groups', true);
      doc.delete('groups');
      doc.set('buses', groups);
    };
    const doc = parseDocument('postaudio: 0\n# the buses\ngroups: { DX: { stem: dialogue } }\n');
    migrate(doc);
    expect(doc.toJS()).toEqual({ postaudio: 1, buses: { DX: { stem: 'dialogue' } } });
  });

  it('does nothing for a version with no migration path or a newer version', () => {
    const old = parseDocument('postaudio: -3\n');
    migrate(old);
    expect(old.get('postaudio')).toBe(-3);
    const newer = parseDocument('postaudio: 2\n');
    migrate(newer);
    expect(newer.get('postaudio')).toBe(2);
  });
});
