// Tells when a directory's contents may have changed: fs.watch on it and on its parent (symlink swaps), plus a rescan timer.

import { watch, realpathSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from 'pino';

export interface DirWatcherOptions {
  dir: string;
  /** Safety net for events fs.watch misses (network filesystems, inotify limits, a swapped symlink's new target). */
  rescanMs: number;
  onChange: (why: string) => void;
}

export class DirWatcher {
  private dirWatcher: FSWatcher | null = null;
  private parentWatcher: FSWatcher | null = null;
  private watchedTarget: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly dir: string;

  constructor(private readonly opts: DirWatcherOptions, private readonly log: Logger) {
    this.dir = resolve(opts.dir);
  }

  start(): void {
    this.watchParent();
    this.rewatchIfMoved();
    this.timer = setInterval(() => {
      this.rewatchIfMoved();
      this.opts.onChange('rescan');
    }, this.opts.rescanMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.dirWatcher?.close();
    this.parentWatcher?.close();
    this.dirWatcher = this.parentWatcher = null;
  }

  /** A directory symlink swapped (current -> releases/N) leaves fs.watch on the old target: follow the new one. */
  private rewatchIfMoved(): void {
    let target: string | null;
    try {
      target = realpathSync(this.dir);
    } catch {
      target = null;
    }
    if (target === this.watchedTarget && this.dirWatcher !== null) return;
    this.dirWatcher?.close();
    this.dirWatcher = null;
    this.watchedTarget = target;
    if (target === null) return;
    try {
      this.dirWatcher = watch(target, { persistent: false }, (_event, name) => this.opts.onChange(`changed ${name ?? '?'}`));
      this.dirWatcher.on('error', (err) => {
        this.log.warn({ err, dir: this.dir }, 'zones directory watch failed; relying on rescans');
        this.dirWatcher?.close();
        this.dirWatcher = null;
      });
    } catch (err) {
      this.log.warn({ err, dir: this.dir }, 'cannot watch zones directory; relying on rescans');
    }
  }

  private watchParent(): void {
    const name = basename(this.dir);
    try {
      this.parentWatcher = watch(dirname(this.dir), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        this.rewatchIfMoved();
        this.opts.onChange('zones directory replaced');
      });
      this.parentWatcher.on('error', () => {
        this.parentWatcher?.close();
        this.parentWatcher = null;
      });
    } catch {
      // The parent may be unreadable; the rescan timer still notices a swapped symlink.
    }
  }
}
