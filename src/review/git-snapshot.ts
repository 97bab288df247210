/**
 * Reading a project as it was at a git revision, without touching the user's checkout:
 * the revision's tree is read into a temporary index file (GIT_INDEX_FILE in a temp
 * folder) and the project's files are exported from it with `git checkout-index
 * --prefix` into that temp folder. Git's own index, HEAD, work tree and worktree list
 * are never written; smudge filters (Git LFS, line endings) apply as in a checkout.
 *
 * Only the project folder is exported, plus any media root inside the repository that
 * the revision's project lists. (Relative media roots that leave the repository are
 * not versioned, so they cannot be read at a revision.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parseDocument } from 'yaml';
import { toPosix } from '../compiler/load.ts';

/** A revision, repository or project that cannot be read: a clear message, exit 1. */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffInputError';
  }
}

async function git(cwd: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const r = await execa('git', args, { cwd, env: opts.env, input: opts.input, reject: false, stripFinalNewline: true });
  if (r.exitCode !== 0) throw new Error(`git ${args[0]} failed: ${String(r.stderr).trim() || `exit ${r.exitCode}`}`);
  return String(r.stdout);
}

/** The root of the repository holding `dir`. */
export async function repoRoot(dir: string): Promise<string> {
  let r;
  try {
    r = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: dir, reject: false });
  } catch (err) {
    throw new DiffInputError(`cannot run git: ${(err as Error).message}`);
  }
  if (r.exitCode !== 0) throw new DiffInputError(`${dir} is not inside a git repository: give two project folders to compare instead of revisions`);
  return fs.realpathSync(String(r.stdout).trim());
}

/** The commit a revision names; a clear error when it names none. */
export async function resolveRevision(root: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new DiffInputError(`'${rev}' is not a revision`);
  const r = await execa('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { cwd: root, reject: false });
  if (r.exitCode !== 0) throw new DiffInputError(`unknown revision '${rev}': not a commit, branch or tag in ${root}`);
  return String(r.stdout).trim();
}

/**
 * Exports the project at `projectRel` (repository-relative path of the project file) as it
 * was at `commit` into `dest`, keeping the repository layout. Returns the exported project
 * file's path. `label` names the revision in messages.
 */
export async function snapshotProject(root: string, commit: string, projectRel: string, dest: string, label: string): Promise<string> {
  const env = { GIT_INDEX_FILE: path.join(dest, 'index') };
  const tree = path.join(dest, 'tree');
  fs.mkdirSync(tree, { recursive: true });
  await git(root, ['read-tree', commit], { env });

  const exportDir = async (dirRel: string): Promise<string[]> => {
    const listed = await git(root, ['ls-files', '-z', '--', ...(dirRel ? [dirRel] : [])], { env });
    const files = listed.split('\0').filter(Boolean);
    if (files.length) await git(root, ['checkout-index', '-f', '-z', '--stdin', `--prefix=${toPosix(tree)}/`], { env, input: files.join('\0') });
    return files;
  };

  const projectDirRel = path.posix.dirname(projectRel) === '.' ? '' : path.posix.dirname(projectRel);
  const files = await exportDir(projectDirRel);
  if (!files.includes(projectRel)) throw new DiffInputError(`the project ${projectRel} does not exist at ${label}`);
  const projectFile = path.join(tree, ...projectRel.split('/'));

  // media roots inside the repository, as the revision's project lists them
  for (const rootRel of mediaRootsOf(projectFile)) {
    const abs = path.resolve(path.dirname(path.join(root, ...projectRel.split('/'))), rootRel);
    const rel = toPosix(path.relative(root, abs));
    if (rel === '' || rel.startsWith('../') || rel === '..' || path.isAbsolute(rel)) continue;
    if (projectDirRel === '' || rel === projectDirRel || rel.startsWith(`${projectDirRel}/`)) continue; // already exported
    await exportDir(rel);
  }
  return projectFile;
}

function mediaRootsOf(projectFile: string): string[] {
  try {
    const v = parseDocument(fs.readFileSync(projectFile, 'utf8')).toJS() as { project?: { media_roots?: unknown } } | null;
    const roots = v?.project?.media_roots;
    return Array.isArray(roots) ? roots.filter((r): r is string => typeof r === 'string' && !path.isAbsolute(r)) : [];
  } catch {
    return [];
  }
}
