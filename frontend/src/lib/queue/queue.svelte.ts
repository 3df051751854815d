// The render queue as the signed-in person sees it, kept live by queue
// events. One store lives in the Shell: the Queue page, the nav badge and
// the gallery's live updates all read it.

import {
  getQueueItem,
  listQueue,
  queueStatus,
  subscribeQueueEvents,
  type Graph,
  type ProgressImage,
  type QueueEvent,
  type QueueItem,
  type QueueStatusReport,
} from '../api';
import { errorText, isSessionEnd } from '../errors';

/** The most items a listing returns (the server's maxListed). */
const LIST_CAP = 1000;

export interface Progress {
  percent: number;
  node_id: string;
  node_type: string;
  /** What the node says of its work ("Step 4 of 20"), "" when it says nothing. */
  message: string;
  /** The picture so far, from a generation node (its owner and admins only); the last one until the next. */
  preview: ProgressImage | null;
}

export type QueueListener = (e: QueueEvent) => void;

export function isActive(it: QueueItem): boolean {
  return it.status === 'pending' || it.status === 'in_progress';
}

export class QueueStore {
  /** Oldest first (by item id). */
  items = $state.raw<QueueItem[]>([]);
  /** Running items' progress, by item id. */
  progress = $state.raw<Record<number, Progress>>({});
  status = $state.raw<QueueStatusReport | null>(null);
  /** Batch graphs, by batch id: listings leave graphs out, so each batch's is fetched once. */
  graphs = $state.raw<Record<string, Graph>>({});
  loading = $state(false);
  loaded = $state(false);
  error = $state('');

  /**
   * My waiting and running items: the nav badge. Counted from the items,
   * which events keep current, unless the listing was cut at its cap; then
   * from the server's counts.
   */
  myActive = $derived.by(() => {
    if (this.complete || !this.status) return this.items.filter((i) => i.mine && isActive(i)).length;
    return this.status.mine.pending + this.status.mine.in_progress;
  });
  /** The last listing had every item (fewer than the server's cap). */
  private complete = $state(false);
  paused = $derived(this.status?.processor.is_paused ?? false);

  private byId = new Map<number, QueueItem>();
  private listeners = new Set<QueueListener>();
  /** Events that arrive while a listing is on its way, applied after it. */
  private buffered: QueueEvent[] | null = null;
  private gen = 0;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private fetchingGraphs = new Set<string>();
  private noGraph = new Set<string>();
  private stopEvents: (() => void) | null = null;

  /** Loads the queue and listens for events; returns the function that stops it. */
  start(): () => void {
    this.load();
    this.stopEvents = subscribeQueueEvents({ event: (e) => this.apply(e), reconnected: () => this.load() });
    return () => this.stop();
  }

  stop(): void {
    this.stopEvents?.();
    this.stopEvents = null;
    clearTimeout(this.statusTimer);
    this.listeners.clear();
  }

  /** Calls cb for each event, after the store has taken it in. Returns an unsubscribe function. */
  on(cb: QueueListener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  async load(): Promise<void> {
    const gen = ++this.gen;
    this.loading = true;
    this.buffered = [];
    try {
      const [items, status] = await Promise.all([listQueue(), queueStatus()]);
      if (gen !== this.gen) return;
      this.byId = new Map(items.map((i) => [i.item_id, i]));
      this.complete = items.length < LIST_CAP;
      this.status = status;
      this.error = '';
      this.loaded = true;
      const early = this.buffered ?? [];
      this.buffered = null;
      for (const e of early) this.take(e);
      this.publish();
      // Progress of items that are no longer running goes.
      this.progress = Object.fromEntries(Object.entries(this.progress).filter(([id]) => this.byId.get(Number(id))?.status === 'in_progress'));
      this.fetchGraphs();
    } catch (err) {
      if (gen !== this.gen) return;
      this.buffered = null;
      if (!isSessionEnd(err)) this.error = errorText(err);
    } finally {
      if (gen === this.gen) this.loading = false;
    }
  }

  /** Asks for the counts again, once per burst of events. */
  refreshStatus(delay = 300): void {
    clearTimeout(this.statusTimer);
    this.statusTimer = setTimeout(async () => {
      try {
        this.status = await queueStatus();
      } catch {
        // the next event or load tries again
      }
    }, delay);
  }

  apply(e: QueueEvent): void {
    if (this.buffered) this.buffered.push(e);
    else {
      this.take(e);
      this.publish();
    }
    for (const cb of [...this.listeners]) cb(e);
  }

  /** Puts an item (from an action's answer) in place. */
  put(it: QueueItem): void {
    this.merge(it);
    this.publish();
    this.refreshStatus();
  }

  remove(ids: Iterable<number>): void {
    for (const id of ids) this.byId.delete(id);
    this.publish();
    this.refreshStatus(0);
  }

  /** Remembers a batch's graph (from an enqueue answer). */
  rememberGraph(batchId: string | undefined, g: Graph | null | undefined): void {
    if (batchId && g && !this.graphs[batchId]) this.graphs = { ...this.graphs, [batchId]: g };
  }

  private take(e: QueueEvent): void {
    if (e.type === 'processor_changed' || !e.item) {
      this.refreshStatus(0);
      return;
    }
    const id = e.item.item_id;
    switch (e.type) {
      case 'queue_item_deleted':
        this.remove([id]);
        break;
      case 'queue_item_status_changed':
        this.merge(e.item);
        if (e.item.status !== 'in_progress' && this.progress[id]) {
          const rest = { ...this.progress };
          delete rest[id];
          this.progress = rest;
        }
        this.refreshStatus();
        break;
      case 'invocation_progress': {
        this.merge({ ...e.item, status: 'in_progress' });
        const before = this.progress[id];
        const node = e.node_id ?? '';
        const preview = e.image?.dataURL ? e.image : before?.node_id === node ? before.preview : null;
        this.progress = {
          ...this.progress,
          [id]: { percent: Math.max(0, Math.min(100, e.percent ?? 0)), node_id: node, node_type: e.node_type ?? '', message: e.message ?? '', preview },
        };
        break;
      }
      case 'image_saved': {
        const old = this.byId.get(id);
        const names = [...(old?.image_names ?? e.item.image_names ?? [])];
        if (e.image_name && !names.includes(e.image_name)) names.push(e.image_name);
        this.merge({ ...(old ?? e.item), image_names: names });
        break;
      }
    }
  }

  /** Takes an item in, keeping what a thinner copy leaves out (a redacted or event copy has no images). */
  private merge(it: QueueItem): void {
    const old = this.byId.get(it.item_id);
    if (!old) {
      this.byId.set(it.item_id, it);
      return;
    }
    const next: QueueItem = { ...old, ...it };
    if (!it.image_names?.length && old.image_names?.length) next.image_names = old.image_names;
    if (!it.graph && old.graph) next.graph = old.graph;
    this.byId.set(it.item_id, next);
  }

  private publish(): void {
    this.items = [...this.byId.values()].sort((a, b) => a.item_id - b.item_id);
    this.fetchGraphs();
  }

  /** Fetches, one item per batch, the graphs of batches the caller may see, for the rows' titles. */
  private async fetchGraphs(): Promise<void> {
    const want: QueueItem[] = [];
    const seen = new Set<string>();
    for (const it of this.items) {
      const b = it.batch_id;
      if (!b || it.redacted || this.graphs[b] || this.fetchingGraphs.has(b) || this.noGraph.has(b) || seen.has(b)) continue;
      seen.add(b);
      want.push(it);
    }
    for (const it of want.slice(0, 20)) {
      const b = it.batch_id as string;
      this.fetchingGraphs.add(b);
      try {
        const full = await getQueueItem(it.item_id);
        if (full.graph) this.graphs = { ...this.graphs, [b]: full.graph };
        else this.noGraph.add(b);
      } catch {
        // gone meanwhile, or not ours to see: the row goes without a title
        this.noGraph.add(b);
      } finally {
        this.fetchingGraphs.delete(b);
      }
    }
  }
}
