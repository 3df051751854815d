// Bulk answers, from boards and images alike: what was done, and each item
// skipped with its code and reason.

import type * as Go from '../types.gen';
import type { Filled } from './filled';

export type { Skipped } from '../types.gen';

/** A bulk answer, its lists never null. */
export type BulkResult = Filled<Go.BulkResult, 'done' | 'skipped'>;

export function bulk(r: Go.BulkResult | null | undefined): BulkResult {
  return { done: r?.done ?? [], skipped: r?.skipped ?? [] };
}
