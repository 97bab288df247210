/**
 * The two sides of a diff. Each command-line argument is a project path when it names
 * an existing file or folder, else a git revision. No argument: HEAD against the working
 * tree; one: that side against the working tree; two: the first against the second.
 * Revision sides read the project at the --project path (default: the current folder)
 * as it was at that revision, exported into a temp folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../compiler/diagnostics.ts';
import { findProjectFile } from '../compiler/index.ts';
import { toPosix } from '../compiler/load.ts';
import { DiffInputError, repoRoot, resolveRevision, snapshotProject } from './git-snapshot.ts';

export type SideSpec = { kind: 'worktree'; arg: string } | { kind: 'path'; arg: string } | { kind: 'rev'; rev: string };

export interface Side {
  spec: SideSpec;
  label: string;
  projectFile: string;
  /** The commit of a revision side. */
  commit?: string;
  /** True when the project is the user's own files (its cache may be used). */
  onDisk: boolean;
}

export function parseSides(args: string[], project: string, cwd: string): { a: SideSpec; b: SideSpec } {
  if (args.length > 2) throw new UsageError(`diff compares two sides; got ${args.length} arguments`);
  const classify = (arg: string): SideSpec => (fs.existsSync(path.resolve(cwd, arg)) ? { kind: 'path', arg } : { kind: 'rev', rev: arg });
  const worktree: SideSpec = { kind: 'worktree', arg: project };
  if (args.length === 0) return { a: { kind: 'rev', rev: 'HEAD' }, b: worktree };
  if (args.length === 1) return { a: classify(args[0]), b: worktree };
  return { a: classify(args[0]), b: classify(args[1]) };
}

/** The project file a --project argument names, even when it does not exist in the working tree. */
function projectFileFor(arg: string, cwd: string): string {
  const p = path.resolve(cwd, arg);
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) {
    for (const name of ['postaudio.yaml', 'postaudio.yml']) if (fs.existsSync(path.join(p, name))) return path.join(p, name);
    return path.join(p, 'postaudio.yaml');
  }
  return /\.ya?ml$/i.test(p) ? p : path.join(p, 'postaudio.yaml');
}

/**
 * Makes a side readable: a path is checked, a revision exported into `tmp`. Throws
 * DiffInputError (exit 1) for a missing project or an unknown revision.
 */
export async function openSide(spec: SideSpec, project: string, cwd: string, tmp: string): Promise<Side> {
  if (spec.kind === 'worktree' || spec.kind === 'path') {
    let projectFile: string;
    try {
      projectFile = findProjectFile(spec.arg, cwd);
    } catch (err) {
      if (err instanceof UsageError) throw new DiffInputError(`${spec.kind === 'worktree' ? 'the working tree has no project' : 'no project'}: ${err.message}`);
      throw err;
    }
    const label = spec.kind === 'worktree' ? 'working tree' : toPosix(path.relative(cwd, projectFile)) || path.basename(projectFile);
    return { spec, label, projectFile, onDisk: true };
  }
  const wanted = projectFileFor(project, cwd);
  const dir = path.dirname(wanted);
  const start = fs.existsSync(dir) ? dir : cwd;
  const root = await repoRoot(start);
  const real = (p: string) => {
    // the project may not exist in the working tree: resolve its folder's nearest existing parent
    let head = p;
    const tail: string[] = [];
    while (!fs.existsSync(head) && path.dirname(head) !== head) {
      tail.unshift(path.basename(head));
      head = path.dirname(head);
    }
    return path.join(fs.realpathSync(head), ...tail);
  };
  const rel = toPosix(path.relative(root, real(wanted)));
  if (rel.startsWith('../') || path.isAbsolute(rel)) throw new DiffInputError(`the project ${project} is not inside the repository at ${root}`);
  const commit = await resolveRevision(root, spec.rev);
  const dest = fs.mkdtempSync(path.join(tmp, 'rev-'));
  const projectFile = await snapshotProject(root, commit, rel, dest, `revision ${spec.rev}`);
  return { spec, label: `${spec.rev} (${commit.slice(0, 7)})`, projectFile, commit, onDisk: false };
}

export function makeTmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'postaudio-diff-'));
}
