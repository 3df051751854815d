import type { BulkResult } from '../api';
import { plural } from '../format';
import { toastError, toastSuccess } from '../toasts.svelte';

/**
 * "Moved 5; 2 skipped: You cannot take that image off this board." Reasons
 * that repeat are said once, with how many they cover.
 */
export function bulkText(verb: string, r: BulkResult, noun: [string, string] = ['image', 'images']): string {
  const done = r.done.length;
  if (!r.skipped.length) return `${verb} ${plural(done, noun[0], noun[1])}.`;
  const head = done ? `${verb} ${done}` : `Nothing ${verb.toLowerCase()}`;
  const counts = new Map<string, number>();
  for (const s of r.skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  const reasons = [...counts].map(([reason, n]) => (counts.size > 1 ? `${reason.replace(/\.$/, '')} (${n})` : reason)).join('; ');
  return `${head}; ${r.skipped.length} skipped: ${reasons}`;
}

/** Shows a bulk result: success when nothing was skipped, else an error that stays a while. */
export function toastBulk(verb: string, r: BulkResult, noun?: [string, string]): void {
  const text = bulkText(verb, r, noun);
  if (r.skipped.length) toastError(text);
  else toastSuccess(text);
}
