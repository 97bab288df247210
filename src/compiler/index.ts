/**
 * The compiler: load → validate → resolve → lower. Collects every diagnostic of a
 * compile; returns a Plan only when there are no errors.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Plan } from '../plan.ts';
import { DiagnosticSink, UsageError, type Diagnostic } from './diagnostics.ts';
import { load, type Loaded } from './load.ts';
import { lower } from './lower.ts';
import type { ResolvedProject } from './model.ts';
import { resolve, type HashFile } from './resolve.ts';
import { pictureLockPath, type PictureOptions } from './resolve-picture.ts';
import { validateSchema } from './validate-schema.ts';

export interface CompileResult {
  diagnostics: Diagnostic[];
  ok: boolean;
  plan?: Plan;
  project?: ResolvedProject;
  loaded?: Loaded;
  /** Absolute paths of every file the compile read (YAML and sources), for watching. */
  inputs: string[];
}

/** Finds the project file from a CLI argument: a folder holding postaudio.yaml, or a YAML file. */
export function findProjectFile(arg: string | undefined, cwd = process.cwd()): string {
  const p = path.resolve(cwd, arg ?? '.');
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UsageError(`no project at ${arg ?? '.'}: the path does not exist`);
  }
  if (st.isDirectory()) {
    for (const name of ['postaudio.yaml', 'postaudio.yml']) {
      const f = path.join(p, name);
      if (fs.existsSync(f)) return f;
    }
    throw new UsageError(`no postaudio.yaml in ${arg ?? '.'}`);
  }
  return p;
}

/** Plain content hashing, streamed. The engine passes a cached version (stat shortcut). */
export const hashFileDirect: HashFile = (abs) =>
  new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    let size = 0;
    fs.createReadStream(abs, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => {
        size += chunk.length;
        h.update(chunk);
      })
      .on('error', reject)
      .on('end', () => resolveHash({ sha256: h.digest('hex'), size }));
  });

export interface CompileOptions {
  hashFile?: HashFile;
  /** Compile against another picture lock than picture.lock, and record what each anchor resolved to (conform). */
  picture?: PictureOptions;
}

export async function compile(projectFile: string, opts: CompileOptions = {}): Promise<CompileResult> {
  const sink = new DiagnosticSink();
  const loaded = load(projectFile, { sink });
  const yamlInputs = loaded ? loaded.files.map((f) => f.abs) : [path.resolve(projectFile)];
  const done = (extra: Partial<CompileResult>): CompileResult => {
    const diagnostics = sink.sorted();
    return { diagnostics, ok: !diagnostics.some((d) => d.severity === 'error'), inputs: yamlInputs, loaded, ...extra };
  };
  if (!loaded || sink.hasErrors) return done({});
  if (!validateSchema(loaded, sink)) return done({});
  const project = await resolve(loaded, { sink, hashFile: opts.hashFile ?? hashFileDirect, picture: opts.picture });
  const lockPath = pictureLockPath(loaded, opts.picture);
  const inputs = [...yamlInputs, ...sourcePaths(loaded), ...(lockPath ? [lockPath] : [])];
  if (!project) return { ...done({}), inputs };
  const lineOf = (file: string, offset: number) => loaded.lineOf(file, offset)?.line;
  const plan = lower(project, lineOf);
  return { ...done({ plan, project }), inputs };
}

/** Absolute paths of every source named by the project (existing or not), for watching. */
function sourcePaths(loaded: Loaded): string[] {
  const out: string[] = [];
  const sources = (loaded.value.sources ?? {}) as Record<string, unknown>;
  for (const id of Object.keys(sources).sort()) {
    const raw = sources[id];
    const file = typeof raw === 'string' ? raw : (raw as { file?: unknown })?.file;
    if (typeof file === 'string') out.push(path.resolve(path.dirname(loaded.definingFile('sources', id)), file));
  }
  return out;
}

export { DiagnosticSink, UsageError };
export type { Diagnostic };
