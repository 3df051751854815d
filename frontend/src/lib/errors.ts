import { ApiError } from './api';
import { plural } from './format';

/** The words to show for a failed call. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) return tooMany(err.retryAfter);
    return err.detail;
  }
  return 'Something went wrong inside Easel. Try again; if it keeps happening, restart Easel.';
}

export function tooMany(retryAfter: number): string {
  const s = Math.max(1, Math.ceil(retryAfter || 0));
  return `Too many attempts. Try again in ${plural(s, 'second', 'seconds')}.`;
}

/** True for a 401: the app has already gone back to the sign-in screen. */
export function isSessionEnd(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
