import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/picture');
const ALLOWED = new Set(['../compiler/timecode.ts', '../compiler/diagnostics.ts']);

describe('src/picture dependencies', () => {
  it('imports only node built-ins, its own modules, and compiler/timecode + compiler/diagnostics', () => {
    const bad: string[] = [];
    for (const f of fs.readdirSync(SRC).filter((n) => n.endsWith('.ts')).sort()) {
      const text = fs.readFileSync(path.join(SRC, f), 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?from\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || (spec.startsWith('./') && !spec.includes('/..')) || ALLOWED.has(spec)) continue;
        bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
