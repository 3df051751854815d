// The two ways a call reaches Go, chosen once at load:
//   - inside the Wails window, the bound methods window.go.desktop.<Struct>.<Method>;
//     the session lives in Go memory and never reaches the page;
//   - in a browser (`easel serve`), fetch against /api/v1 on the same origin, with
//     the bearer token kept only in the `token` variable below (never in storage
//     or URLs: a reload means signing in again). The server also sets an HttpOnly
//     cookie for image URLs, downloads and the event stream; a page that starts
//     without a token ends the session that cookie holds (see auth.ts).
//
// Both take their calls from the one table in calls.ts.

import type { HttpError, WindowError } from '../types.gen';
import type { Call, Route } from './calls';

/** The one error every call throws. `retryAfter` is in seconds (set with 429). */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly retryAfter: number;

  constructor(status: number, detail: string, retryAfter = 0) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

// ---- the Wails globals -----------------------------------------------------

type Bound = (...args: unknown[]) => Promise<unknown>;

declare global {
  interface Window {
    go?: { desktop?: Record<string, Record<string, Bound> | undefined> };
    runtime?: {
      EventsOn(name: string, cb: (...data: unknown[]) => void): (() => void) | void;
      EventsOff?(name: string, ...more: string[]): void;
      OnFileDrop?(cb: (x: number, y: number, paths: string[]) => void, useDropTarget: boolean): void;
      OnFileDropOff?(): void;
      BrowserOpenURL?(url: string): void;
    };
  }
}

/** True inside the Easel window, false in a browser. */
export const inWindow: boolean = typeof window !== 'undefined' && !!window.go?.desktop;

const UNREACHABLE = 'Easel is not responding. Check that it is still running, then try again.';
const GENERIC = 'Something went wrong inside Easel. Try again; if it keeps happening, restart Easel.';

// ---- the browser's token ---------------------------------------------------

let token: string | null = null;

/** Keeps the token a browser sign-in answered with, for the calls that follow. */
export function keepToken(t: string): void {
  token = t;
}

export function forgetToken(): void {
  token = null;
}

export function hasToken(): boolean {
  return token !== null;
}

/** The Authorization header, when signed in. */
function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// ---- signed-out notifications ---------------------------------------------

type SignedOutListener = (reason: string) => void;
const signedOutListeners = new Set<SignedOutListener>();

/**
 * Calls cb when the session ends behind the app's back: a 401 from any
 * signed-in call. Returns an unsubscribe function.
 */
export function onSignedOut(cb: SignedOutListener): () => void {
  signedOutListeners.add(cb);
  return () => signedOutListeners.delete(cb);
}

export function signedOut(reason: string): void {
  token = null;
  for (const cb of [...signedOutListeners]) cb(reason);
}

// ---- calling -----------------------------------------------------------------

export interface CallOptions {
  /**
   * A 401 is an answer, not news: it does not send the app to sign-in.
   * For the calls that work signed out, or that end the session themselves.
   */
  quiet?: boolean;
}

/** Makes a call from the table, through the window's bound method or the HTTP route. */
export async function invoke<A extends unknown[], R>(c: Call<A, R>, args: A, opts: CallOptions = {}): Promise<R> {
  const signedIn = !(opts.quiet ?? c.quiet);
  if (inWindow) {
    if (!c.bound) throw missing(c);
    return callWails<R>(c.bound, c.args ? c.args(...args) : args, signedIn);
  }
  if (!c.http) throw missing(c);
  return callHttp(c.http, args, signedIn);
}

/** The call as a function of its arguments. */
export function bind<A extends unknown[], R>(c: Call<A, R>): (...args: A) => Promise<R> {
  return (...args) => invoke(c, args);
}

function missing(c: { bound?: string }): ApiError {
  return new ApiError(500, `This version of Easel cannot do that yet (${c.bound ?? 'a call'} is missing).`);
}

// ---- Wails transport -------------------------------------------------------

function wailsError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const raw = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
  try {
    const v = JSON.parse(raw) as Partial<Record<keyof WindowError, unknown>>;
    if (v && typeof v === 'object' && typeof v.status === 'number') {
      return new ApiError(
        v.status,
        typeof v.detail === 'string' && v.detail ? v.detail : GENERIC,
        typeof v.retry_after === 'number' ? v.retry_after : 0,
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(500, raw || GENERIC);
}

async function callWails<T>(bound: string, args: unknown[], signedIn: boolean): Promise<T> {
  const [struct, method] = bound.split('.');
  const fn = window.go?.desktop?.[struct]?.[method];
  if (typeof fn !== 'function') {
    throw new ApiError(500, `This version of Easel cannot do that yet (${struct}.${method} is missing).`);
  }
  try {
    return (await fn(...args)) as T;
  } catch (err) {
    const e = wailsError(err);
    if (signedIn && e.status === 401) signedOut(e.detail);
    throw e;
  }
}

// ---- HTTP transport --------------------------------------------------------

async function callHttp<A extends unknown[], R>(route: Route<A, R>, args: A, signedIn: boolean): Promise<R> {
  if (route.answer === 'link') return openLink(route.path(...args)) as R;
  // A route that takes a file sends it as its multipart form, as upload
  // does (without progress: a caller that shows it uses upload).
  if (route.form) return sendForm(route, args);
  const body = route.body?.(...args);
  const headers: Record<string, string> = authHeaders();
  if (route.answer !== 'file') headers.Accept = 'application/json';
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let res: Response;
  try {
    res = await fetch(`/api/v1${route.path(...args)}`, {
      method: route.method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }
  if (!res.ok) throw await httpError(res, signedIn);
  if (route.answer === 'file') return (await saveAnswer(res)) as R;

  let answer: unknown;
  if (res.status !== 204) {
    const text = await res.text();
    try {
      answer = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(500, 'Easel sent an answer this page cannot read. Reload the page; if it keeps happening, restart Easel.');
    }
  }
  return route.reply ? route.reply(answer as never) : (answer as R);
}

/** The ApiError of a failed answer; a 401 to a signed-in call also signs the app out. */
async function httpError(res: Response, signedIn = true): Promise<ApiError> {
  let detail = '';
  try {
    const v = (await res.json()) as HttpError;
    if (typeof v?.detail === 'string') detail = v.detail;
  } catch {
    // not JSON
  }
  const retryAfter = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
  const e = new ApiError(res.status, detail || GENERIC, Number.isFinite(retryAfter) ? retryAfter : 0);
  if (signedIn && e.status === 401) signedOut(e.detail);
  return e;
}

/** Lets the browser download what path answers: the HttpOnly cookie set at sign-in authorizes the plain navigation. */
function openLink(path: string): string {
  const a = document.createElement('a');
  a.href = `/api/v1${path}`;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
  return '';
}

/** Saves a file answer (a zip) as a browser download; "" like a window's cancelled save. */
async function saveAnswer(res: Response): Promise<string> {
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileNameOf(res.headers.get('Content-Disposition')) || 'easel-images.zip';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return '';
}

function fileNameOf(disposition: string | null): string {
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '');
  if (!m) return '';
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/**
 * Sends a route's multipart body with XMLHttpRequest, which (unlike fetch)
 * reports upload progress: onprogress gets the fraction sent (0..1). A
 * refusal rejects with an ApiError carrying the server's reason.
 */
export function upload<A extends unknown[], R>(c: Call<A, R>, args: A, onprogress: (fraction: number) => void): Promise<R> {
  const route = c.http;
  if (!route?.form) return Promise.reject(missing(c));
  return sendForm(route, args, onprogress);
}

/** Sends a route's multipart form, telling onprogress how much has gone. */
function sendForm<A extends unknown[], R>(route: Route<A, R>, args: A, onprogress: (fraction: number) => void = () => {}): Promise<R> {
  const form = route.form;
  if (!form) return Promise.reject(new ApiError(500, GENERIC));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(route.method, `/api/v1${route.path(...args)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onprogress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, UNREACHABLE));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was stopped.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof body === 'object') {
        onprogress(1);
        resolve(body as R);
        return;
      }
      const detail = body && typeof (body as HttpError).detail === 'string' ? (body as { detail: string }).detail : '';
      const e = new ApiError(xhr.status || 500, detail || GENERIC);
      if (e.status === 401) signedOut(e.detail);
      reject(e);
    };
    xhr.send(form(...args));
  });
}
