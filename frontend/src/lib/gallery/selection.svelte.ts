// Which images are selected: click toggles (once something is selected),
// ctrl/cmd-click toggles, shift-click selects a range from the last click.

import { SvelteSet } from 'svelte/reactivity';

export class Selection {
  readonly names = new SvelteSet<string>();
  /** The image a shift-click range starts from. */
  private anchor = '';

  get size(): number {
    return this.names.size;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  toggle(name: string): void {
    if (this.names.has(name)) this.names.delete(name);
    else this.names.add(name);
    this.anchor = name;
  }

  /** Selects from the anchor to name, in the order shown. */
  range(order: string[], name: string): void {
    const to = order.indexOf(name);
    const from = this.anchor ? order.indexOf(this.anchor) : -1;
    if (to < 0) return;
    if (from < 0) {
      this.toggle(name);
      return;
    }
    const [lo, hi] = from <= to ? [from, to] : [to, from];
    for (let i = lo; i <= hi; i++) this.names.add(order[i]);
  }

  all(order: string[]): void {
    for (const n of order) this.names.add(n);
  }

  clear(): void {
    this.names.clear();
    this.anchor = '';
  }

  /** Forgets names no longer shown. */
  keepOnly(shown: Iterable<string>): void {
    const keep = new Set(shown);
    for (const n of [...this.names]) if (!keep.has(n)) this.names.delete(n);
    if (this.anchor && !keep.has(this.anchor)) this.anchor = '';
  }

  list(): string[] {
    return [...this.names];
  }
}
