// Imports, one batch after another: files picked or dropped in a browser
// (uploaded one by one with progress), or in the window through Go's native
// dialog and OS file drops (progress arrives as events).

import { importDialog, importPaths, inWindow, onImportProgress, uploadImage, type Image, type ImportResult } from '../api';
import { errorText, isSessionEnd } from '../errors';

export interface Refused {
  name: string;
  reason: string;
}

export class Importer {
  /** The panel is shown (until dismissed once nothing runs). */
  visible = $state(false);
  running = $state(false);
  /** Files finished (imported or refused) and files in all batches so far. */
  done = $state(0);
  total = $state(0);
  fileName = $state('');
  /** How far the current file is sent, 0..1 (browser only). */
  fileFraction = $state(0);
  imported = $state(0);
  refused = $state.raw<Refused[]>([]);
  /** Where the last batch went, for the panel. */
  target = $state('');

  private chain: Promise<void> = Promise.resolve();

  constructor(private onimported: (imgs: Image[], boardId: string) => void) {}

  /** Browser: uploads files into boardId ("" = uncategorized). */
  upload(boardId: string, target: string, files: File[]): void {
    if (!files.length) return;
    this.begin(target, files.length);
    this.enqueue(async () => {
      for (const f of files) {
        this.fileName = f.name;
        this.fileFraction = 0;
        try {
          const img = await uploadImage(boardId, f, (x) => (this.fileFraction = x));
          this.imported++;
          this.onimported([img], boardId);
        } catch (err) {
          if (isSessionEnd(err)) return;
          this.refused = [...this.refused, { name: f.name, reason: errorText(err) }];
        } finally {
          this.done++;
        }
      }
    });
  }

  /** Window: Go's file dialog, then its import. */
  pick(boardId: string, target: string): void {
    const fresh = !this.busyJobs;
    this.enqueue(() => this.windowJob(boardId, target, fresh, () => importDialog(boardId)));
  }

  /** Window: files dropped from the OS. */
  paths(boardId: string, target: string, paths: string[]): void {
    if (!paths.length) return;
    const fresh = !this.busyJobs;
    this.enqueue(() => this.windowJob(boardId, target, fresh, () => importPaths(boardId, paths)));
  }

  dismiss(): void {
    if (this.running) return;
    this.visible = false;
    this.reset();
  }

  private reset(): void {
    this.done = this.total = this.imported = 0;
    this.fileName = '';
    this.fileFraction = 0;
    this.refused = [];
  }

  private begin(target: string, files: number): void {
    if (!this.busyJobs) this.reset();
    this.visible = true;
    this.target = target;
    this.total += files;
  }

  private busyJobs = 0;

  private enqueue(job: () => Promise<void>): void {
    this.busyJobs++;
    this.running = true;
    this.chain = this.chain
      .then(job)
      .catch(() => {})
      .finally(() => {
        this.busyJobs--;
        if (!this.busyJobs) {
          this.running = false;
          this.fileName = '';
        }
      });
  }

  private async windowJob(boardId: string, target: string, fresh: boolean, run: () => Promise<ImportResult>): Promise<void> {
    if (!inWindow) return;
    // The panel appears with the first progress event: a cancelled dialog shows nothing.
    let base: { done: number; total: number } | null = null;
    const start = () => {
      if (base) return base;
      if (fresh) this.reset();
      this.visible = true;
      this.target = target;
      base = { done: this.done, total: this.total };
      return base;
    };
    const off = onImportProgress((p) => {
      const b = start();
      this.total = b.total + p.total;
      this.done = b.done + p.done;
      this.fileName = p.file_name;
    });
    try {
      const r = await run();
      const n = r.imported.length + r.refused.length;
      if (!n) return;
      const b = start();
      this.total = b.total + n;
      this.done = b.done + n;
      this.imported += r.imported.length;
      if (r.refused.length) this.refused = [...this.refused, ...r.refused];
      this.onimported(r.imported, boardId);
    } catch (err) {
      if (isSessionEnd(err)) return;
      start();
      this.refused = [...this.refused, { name: target, reason: errorText(err) }];
    } finally {
      off();
    }
  }
}
