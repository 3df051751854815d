// The images of one board (or the uncategorized ones), newest first, fetched
// a page at a time by cursor as the grid scrolls.

import { listImages, type Image } from '../api';
import { errorText, isSessionEnd } from '../errors';

export const PAGE_SIZE = 100;

export class ImageFeed {
  /** The board shown: a board id, or UNCATEGORIZED. */
  boardId = $state('');
  items = $state.raw<Image[]>([]);
  total = $state(0);
  loading = $state(false);
  /** No more pages. */
  done = $state(false);
  error = $state('');
  private cursor = '';
  private gen = 0;
  private inflight: Promise<void> | null = null;

  /** Starts over on a board. */
  show(boardId: string): Promise<void> {
    this.gen++;
    this.boardId = boardId;
    this.items = [];
    this.total = 0;
    this.cursor = '';
    this.done = false;
    this.error = '';
    this.loading = false;
    return this.more();
  }

  /** Fetches the next page. While one is on its way, waits for it; with no more pages, does nothing. */
  more(): Promise<void> {
    if (this.loading) return this.inflight ?? Promise.resolve();
    if (this.done || !this.boardId) return Promise.resolve();
    this.inflight = this.fetchPage();
    return this.inflight;
  }

  private async fetchPage(): Promise<void> {
    const gen = this.gen;
    this.loading = true;
    try {
      const page = await listImages(this.boardId, this.cursor, PAGE_SIZE);
      if (gen !== this.gen) return;
      const seen = new Set(this.items.map((i) => i.image_name));
      this.items = [...this.items, ...page.items.filter((i) => !seen.has(i.image_name))];
      this.total = Math.max(page.total, this.items.length);
      this.cursor = page.next_cursor;
      this.done = !page.next_cursor;
      this.error = '';
    } catch (err) {
      if (gen !== this.gen) return;
      if (!isSessionEnd(err)) this.error = errorText(err);
      this.done = true; // "Try again" resets it
    } finally {
      if (gen === this.gen) this.loading = false;
    }
  }

  retry(): Promise<void> {
    this.done = false;
    this.error = '';
    return this.more();
  }

  /** Where an image is among those loaded, or -1. */
  indexOf(name: string): number {
    return this.items.findIndex((i) => i.image_name === name);
  }

  /** Adds new images at the top (they are the newest). */
  prepend(imgs: Image[]): void {
    if (!imgs.length) return;
    const names = new Set(imgs.map((i) => i.image_name));
    this.items = [...imgs, ...this.items.filter((i) => !names.has(i.image_name))];
    this.total += imgs.length;
  }

  remove(names: Iterable<string>): void {
    const gone = new Set(names);
    const before = this.items.length;
    this.items = this.items.filter((i) => !gone.has(i.image_name));
    this.total = Math.max(0, this.total - (before - this.items.length));
  }

  update(names: Iterable<string>, change: (img: Image) => Image): void {
    const set = new Set(names);
    this.items = this.items.map((i) => (set.has(i.image_name) ? change(i) : i));
  }

  put(img: Image): void {
    this.items = this.items.map((i) => (i.image_name === img.image_name ? img : i));
  }
}
