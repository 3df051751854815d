import { touch } from './api';

const PING_EVERY_MS = 30_000;
const EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * While the window is signed in, tells Go the user is active (at most every
 * 30 s) so the idle lock only fires when nobody is at the machine.
 * Returns a function that stops listening.
 */
export function watchActivity(): () => void {
  let last = Date.now();
  let busy = false;

  const onActivity = () => {
    const now = Date.now();
    if (busy || now - last < PING_EVERY_MS) return;
    last = now;
    busy = true;
    // A 401 here is reported by api.ts as "signed out"; nothing else to do.
    touch()
      .catch(() => {})
      .finally(() => (busy = false));
  };

  for (const e of EVENTS) window.addEventListener(e, onActivity, { passive: true, capture: true });
  return () => {
    for (const e of EVENTS) window.removeEventListener(e, onActivity, { capture: true });
  };
}
