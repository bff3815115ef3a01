// Atomic file replacement (temp file in the same directory, fsync, rename, fsync the directory) with typed errors.

import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export type WriteErrorKind = 'no-space' | 'permission' | 'read-only' | 'missing-dir' | 'other';

export class AtomicWriteError extends Error {
  override readonly name = 'AtomicWriteError';
  constructor(
    readonly kind: WriteErrorKind,
    readonly path: string,
    /** Which step failed: open, write, fsync, rename, fsync-dir. */
    readonly step: string,
    /** The errno code (ENOSPC, EACCES, ...) when there was one. */
    readonly code: string | undefined,
    cause: unknown,
  ) {
    super(`cannot write ${path} (${step}): ${describe(kind, code)}${cause instanceof Error ? ` [${cause.message}]` : ''}`, {
      cause,
    });
  }
}

/** The file-system calls used, so tests can inject failures. Defaults to node:fs/promises. */
export interface AtomicWriteFs {
  open: typeof open;
  rename: typeof rename;
  unlink: typeof unlink;
}

const realFs: AtomicWriteFs = { open, rename, unlink };

/**
 * Replaces `path` with `data` so that a reader (BIRD) sees either the old or the new file, never
 * a partial one, even across a crash. On failure the old file is untouched and the temp file removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: { mode?: number; fs?: AtomicWriteFs } = {}): Promise<void> {
  const fs = opts.fs ?? realFs;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let step = 'open';
  let created = false;
  try {
    const fh = await fs.open(tmp, 'wx', opts.mode ?? 0o644);
    created = true;
    try {
      step = 'write';
      await fh.writeFile(data, 'utf8');
      step = 'fsync';
      await fh.sync();
    } finally {
      await fh.close();
    }
    step = 'rename';
    await fs.rename(tmp, path);
    created = false;
  } catch (err) {
    if (created) await fs.unlink(tmp).catch(() => undefined);
    throw toWriteError(path, step, err);
  }
  // The rename is done; fsync the directory so it survives a power cut. Some file systems refuse
  // fsync on a directory (EINVAL): the data is in place, so that is not an error.
  try {
    const dh = await fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch (err) {
    const code = errnoCode(err);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'ENOTSUP') throw toWriteError(path, 'fsync-dir', err);
  }
}

function toWriteError(path: string, step: string, err: unknown): AtomicWriteError {
  const code = errnoCode(err);
  const kind: WriteErrorKind =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'no-space'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission'
        : code === 'EROFS'
          ? 'read-only'
          : code === 'ENOENT' || code === 'ENOTDIR'
            ? 'missing-dir'
            : 'other';
  return new AtomicWriteError(kind, path, step, code, err);
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describe(kind: WriteErrorKind, code: string | undefined): string {
  switch (kind) {
    case 'no-space':
      return 'no space left on the file system';
    case 'permission':
      return 'permission denied';
    case 'read-only':
      return 'read-only file system';
    case 'missing-dir':
      return 'the directory does not exist';
    case 'other':
      return code ?? 'unexpected error';
  }
}
