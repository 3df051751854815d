// The Library screen's state: which tab, the search, the tag and the sort,
// and the pages of workflows they select.

import { listLibrary, workflowTags, type WorkflowFilter, type WorkflowListItem, type WorkflowOrder } from '../api';
import { errorText, isSessionEnd } from '../errors';

/** How many workflows a page brings; "More" brings the next. */
export const PAGE_SIZE = 60;

export type Tab = 'mine' | 'shared' | 'everyone' | 'builtin' | 'recent';

export interface TabInfo {
  id: Tab;
  label: string;
  /** What an empty tab says, and what to do about it. */
  empty: { title: string; text: string };
}

export const tabs: TabInfo[] = [
  {
    id: 'mine',
    label: 'Your workflows',
    empty: {
      title: 'You have no workflows yet',
      text: 'In Generate, set a workflow up the way you like it and press “Save as workflow”, or import a workflow file here.',
    },
  },
  {
    id: 'shared',
    label: 'Shared with me',
    empty: { title: 'Nothing is shared with you yet', text: 'When someone shares a workflow with you by name, it shows here.' },
  },
  {
    id: 'everyone',
    label: "Everyone's",
    empty: {
      title: 'Nobody has published a workflow yet',
      text: 'Publish one of yours from its menu (⋯) and everyone on this computer can use and copy it.',
    },
  },
  {
    id: 'builtin',
    label: 'Built-in',
    empty: { title: 'No built-in workflows', text: 'Easel comes with a few; an administrator may have changed them.' },
  },
  {
    id: 'recent',
    label: 'Recently opened',
    empty: { title: 'Nothing opened yet', text: 'The workflows you open in Generate show here, the latest first.' },
  },
];

/** A sort as the select offers it: an order and a direction. */
export interface Sort {
  value: string;
  label: string;
  order: WorkflowOrder;
  descending: boolean;
}

export const sorts: Sort[] = [
  { value: 'name', label: 'Name, A to Z', order: 'name', descending: false },
  { value: 'name-desc', label: 'Name, Z to A', order: 'name', descending: true },
  { value: 'updated', label: 'Recently changed', order: 'updated_at', descending: true },
  { value: 'created', label: 'Newest first', order: 'created_at', descending: true },
  { value: 'created-asc', label: 'Oldest first', order: 'created_at', descending: false },
  { value: 'opened', label: 'Recently opened', order: 'opened_at', descending: true },
];

/** The sort a tab starts with. */
export function defaultSort(tab: Tab): string {
  return tab === 'recent' ? 'opened' : 'name';
}

/** The part of a filter that a tab is. */
export function tabFilter(tab: Tab): WorkflowFilter {
  switch (tab) {
    case 'mine':
      return { scope: 'mine' };
    case 'shared':
      return { scope: 'shared_with_me' };
    case 'everyone':
      return { is_public: true, categories: ['user'] };
    case 'builtin':
      return { categories: ['default'] };
    case 'recent':
      return { has_been_opened: true };
  }
}

/** InvokeAI's one comma-separated string of tags, as a list. */
export function splitTags(tags: string): string[] {
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

export class LibraryStore {
  tab = $state<Tab>('mine');
  query = $state('');
  tag = $state('');
  sort = $state(defaultSort('mine'));

  items = $state.raw<WorkflowListItem[]>([]);
  total = $state(0);
  /** The tags of the workflows the tab shows, for the tag filter. */
  tags = $state.raw<string[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state('');

  /** Answers to an older load are dropped. */
  private seq = 0;

  get hasMore(): boolean {
    return this.items.length < this.total;
  }

  /** Whether the search or the tag narrow the tab. */
  get narrowed(): boolean {
    return !!this.query.trim() || !!this.tag;
  }

  filter(offset: number): WorkflowFilter {
    const s = sorts.find((x) => x.value === this.sort) ?? sorts[0];
    const f: WorkflowFilter = { ...tabFilter(this.tab), order_by: s.order, descending: s.descending, offset, limit: PAGE_SIZE };
    const q = this.query.trim();
    if (q) f.query = q;
    if (this.tag) f.tags = [this.tag];
    return f;
  }

  setTab(tab: Tab): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.tag = '';
    this.sort = defaultSort(tab);
    this.load();
  }

  /** Loads the first page afresh, and the tab's tags. */
  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = '';
    try {
      const [page, tags] = await Promise.all([listLibrary(this.filter(0)), workflowTags(tabFilter(this.tab))]);
      if (seq !== this.seq) return;
      this.items = page.items;
      this.total = page.total;
      this.tags = tags;
      this.loaded = true;
    } catch (err) {
      if (seq === this.seq && !isSessionEnd(err)) this.error = errorText(err);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Brings the next page. */
  async more(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const seq = ++this.seq;
    this.loading = true;
    try {
      const page = await listLibrary(this.filter(this.items.length));
      if (seq !== this.seq) return;
      const seen = new Set(this.items.map((w) => w.workflow_id));
      this.items = [...this.items, ...page.items.filter((w) => !seen.has(w.workflow_id))];
      this.total = page.total;
    } catch (err) {
      if (seq === this.seq && !isSessionEnd(err)) this.error = errorText(err);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Drops a workflow that is gone (deleted, or no longer in this tab). */
  remove(id: string): void {
    const before = this.items.length;
    this.items = this.items.filter((w) => w.workflow_id !== id);
    this.total -= before - this.items.length;
  }

  /** Puts what changed about a workflow into its card. */
  patch(id: string, change: Partial<WorkflowListItem>): void {
    this.items = this.items.map((w) => (w.workflow_id === id ? { ...w, ...change } : w));
  }
}
