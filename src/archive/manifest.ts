/**
 * MANIFEST.json: the SHA-256 and size of every file in an archive bundle (except the
 * manifest itself), so a bundle that lost or changed a file says which, before anything
 * is rendered from it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hashFile } from '../engine/cache.ts';
import { stableJson } from './lock.ts';

export const MANIFEST_FILE = 'MANIFEST.json';
export const MANIFEST_VERSION = 1;

export interface Manifest {
  manifestVersion: 1;
  /** The project file inside the bundle. */
  project: string;
  format: number;
  engine: string;
  files: Record<string, { sha256: string; size: number }>;
}

export interface ManifestProblem {
  code: 'PA708';
  file: string;
  message: string;
}

export function writeManifest(dir: string, m: Manifest): void {
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), stableJson(m));
}

/** Reads a bundle's manifest; undefined when the folder is not a bundle. Throws on a damaged or newer manifest. */
export function readManifest(dir: string): Manifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    throw new Error(`${MANIFEST_FILE} is damaged: not valid JSON`);
  }
  if (typeof m !== 'object' || m === null || typeof m.files !== 'object' || m.files === null) throw new Error(`${MANIFEST_FILE} is damaged: no file list`);
  if (typeof m.manifestVersion !== 'number' || m.manifestVersion > MANIFEST_VERSION) {
    throw new Error(`${MANIFEST_FILE} has manifestVersion ${String(m.manifestVersion)}; this postaudio reads version ${MANIFEST_VERSION}`);
  }
  return m;
}

/** Every file the manifest lists that is missing or no longer has its recorded content, in path order. */
export async function checkManifest(dir: string, m: Manifest): Promise<ManifestProblem[]> {
  const out: ManifestProblem[] = [];
  for (const rel of Object.keys(m.files).sort()) {
    const want = m.files[rel];
    const abs = path.join(dir, ...rel.split('/'));
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      out.push({ code: 'PA708', file: rel, message: `the bundle is missing ${rel} (listed in ${MANIFEST_FILE})` });
      continue;
    }
    if (!st.isFile()) {
      out.push({ code: 'PA708', file: rel, message: `${rel} in the bundle is not a file` });
      continue;
    }
    if (st.size !== want.size || (await hashFile(abs)) !== want.sha256) {
      out.push({ code: 'PA708', file: rel, message: `${rel} in the bundle has changed since it was archived (sha256 differs from ${MANIFEST_FILE})` });
    }
  }
  return out;
}
