// What Go pushes to the page unasked: the window's runtime events (and the
// files the OS drops on it), and in a browser the server-sent event stream.
// The domain modules say what each event means.

import { calls } from './calls';
import { inWindow, invoke, signedOut } from './transport';

/** Calls cb with the payload of each window event `name`. A no-op in a browser. Returns the function that stops it. */
export function onWindowEvent(name: string, cb: (payload: unknown) => void): () => void {
  const rt = typeof window !== 'undefined' ? window.runtime : undefined;
  if (!rt?.EventsOn) return () => {};
  const off = rt.EventsOn(name, (payload: unknown) => cb(payload));
  return typeof off === 'function' ? off : () => rt.EventsOff?.(name);
}

/**
 * Window only: calls cb when files from the OS are dropped on an element
 * styled `--wails-drop-target: drop`, with the drop point and the paths.
 * Only one listener can exist; returns the function that removes it.
 */
export function onFileDrop(cb: (x: number, y: number, paths: string[]) => void): () => void {
  const rt = typeof window !== 'undefined' ? window.runtime : undefined;
  if (!inWindow || !rt?.OnFileDrop) return () => {};
  rt.OnFileDrop(cb, true);
  return () => rt.OnFileDropOff?.();
}

export interface StreamHandlers {
  /** An event of one of the stream's types, with its data parsed. */
  event: (type: string, data: unknown) => void;
  /** The stream came back after a break: events may have been missed. */
  reconnected?: () => void;
}

/**
 * Browser only: listens to the server-sent events of `types` at url
 * (authorized by the session cookie), reconnecting with a growing delay
 * after a break. A stream that says its session ended ("signed_out") sends
 * the app back to sign-in. Returns the function that stops listening.
 */
export function openEventStream(url: string, types: readonly string[], h: StreamHandlers): () => void {
  if (typeof EventSource === 'undefined') return () => {};

  let es: EventSource | null = null;
  let stopped = false;
  let connectedBefore = false;
  let delay = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const close = () => {
    es?.close();
    es = null;
  };
  const open = () => {
    if (stopped) return;
    const src = new EventSource(url, { withCredentials: true });
    es = src;
    src.onopen = () => {
      delay = 1000;
      if (connectedBefore) h.reconnected?.();
      connectedBefore = true;
    };
    for (const type of types) {
      src.addEventListener(type, (m) => {
        try {
          h.event(type, JSON.parse((m as MessageEvent<string>).data));
        } catch {
          // a line this page cannot read: skip it
        }
      });
    }
    src.addEventListener('signed_out', () => {
      stopped = true;
      close();
      signedOut('Your session has ended. Sign in again to continue.');
    });
    src.onerror = () => {
      if (src !== es) return;
      close();
      if (stopped) return;
      // Is the session still good? A 401 here sends the app to sign-in, which stops this stream.
      invoke(calls.me, []).catch(() => {});
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 30_000);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    close();
  };
}
