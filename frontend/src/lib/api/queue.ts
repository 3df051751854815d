// The render queue: queueing batches, the items and their status, and the
// events that keep a screen of them live.

import { EVENT_QUEUE, type Batch, type EnqueueResult, type QueueEvent, type QueueEventType, type QueueItem } from '../types.gen';
import { calls, urls } from './calls';
import { onWindowEvent, openEventStream } from './events';
import { bind, inWindow, invoke } from './transport';

export type {
  Batch,
  BatchDatum,
  EnqueueResult,
  FieldValue,
  QueueCounts,
  QueueEvent,
  QueueEventType,
  QueueItem,
  QueueStatus,
  QueueStatusReport,
} from '../types.gen';

/** Queues a batch. A graph the engine refuses is a 400 whose detail names the node and the field. */
export function enqueueBatch(batch: Batch, priority = 0): Promise<EnqueueResult> {
  return invoke(calls.enqueue, [batch, priority]);
}

/** The newest items (up to 1000), oldest first; others' redacted unless the caller is an admin. */
export async function listQueue(): Promise<QueueItem[]> {
  return (await invoke(calls.listQueue, [])) ?? [];
}

export const queueStatus = bind(calls.queueStatus);

/** One item, with its graph when the caller may see it. */
export const getQueueItem = bind(calls.getQueueItem);

/** Cancels a waiting or running item (a running one stops at its next step). */
export const cancelQueueItem = bind(calls.cancelQueueItem);

export async function deleteQueueItem(id: number): Promise<void> {
  await invoke(calls.deleteQueueItem, [id]);
}

/** Queues failed or canceled items again, as new items; returns the new ids. */
export async function retryQueueItems(ids: number[]): Promise<number[]> {
  return (await invoke(calls.retry, [ids])) ?? [];
}

/** Deletes finished items: the caller's own, everyone's for an admin. Returns how many. */
export async function pruneQueue(): Promise<number> {
  return (await invoke(calls.prune, [])) ?? 0;
}

/** Deletes items, running ones too: everyone's for an admin, else the caller's own. Returns how many. */
export async function clearQueue(): Promise<number> {
  return (await invoke(calls.clear, [])) ?? 0;
}

/** Pauses or resumes the worker (admins only). The running item finishes. */
export async function setQueuePaused(paused: boolean): Promise<void> {
  await invoke(calls.setPaused, [paused]);
}

export interface QueueEventHandlers {
  event: (e: QueueEvent) => void;
  /** The browser's stream came back after a break: events may have been missed. */
  reconnected?: () => void;
}

// Every event type, once: `satisfies` fails the type-check when Go's list and this one differ.
const QUEUE_EVENT_TYPES = Object.keys({
  queue_item_status_changed: true,
  queue_item_deleted: true,
  invocation_progress: true,
  image_saved: true,
  processor_changed: true,
} satisfies Record<QueueEventType, true>) as QueueEventType[];

/** The event in payload, if it is one this page can use: a known type, about an item. */
function queueEventOf(payload: unknown, type?: string): QueueEvent | null {
  if (!payload || typeof payload !== 'object') return null;
  const e = payload as Partial<QueueEvent>;
  const t = (e.type ?? type) as QueueEventType | undefined;
  if (!t || !QUEUE_EVENT_TYPES.includes(t) || !e.item || typeof e.item.item_id !== 'number') return null;
  return { ...e, type: t, item: e.item, percent: Number(e.percent) || 0 };
}

/**
 * Listens to queue events while signed in: the window's queue events, or in
 * a browser the server-sent stream (authorized by the session cookie), which
 * reconnects with a growing delay after a break. A stream that says its
 * session ended sends the app back to sign-in. Returns the function that stops
 * listening (call it on sign-out and lock).
 */
export function subscribeQueueEvents(h: QueueEventHandlers): () => void {
  if (typeof window === 'undefined') return () => {};
  const deliver = (payload: unknown, type?: string) => {
    const e = queueEventOf(payload, type);
    if (e) h.event(e);
  };
  if (inWindow) return onWindowEvent(EVENT_QUEUE, (payload) => deliver(payload));
  return openEventStream(urls.queueEvents, QUEUE_EVENT_TYPES, { event: (type, data) => deliver(data, type), reconnected: () => h.reconnected?.() });
}
