// The only module that talks to Go.
//
// Two transports sit behind the same functions, chosen once at load:
//   - inside the Wails window, the bound methods window.go.desktop.<Struct>.<Method>;
//     the session lives in Go memory and never reaches the page;
//   - in a browser (`easel serve`), fetch against /api/v1 on the same origin, with
//     the bearer token kept only in the `token` variable below (never in storage,
//     cookies or URLs: a reload means signing in again).

export interface User {
  user_id: string;
  email: string;
  display_name: string;
  is_admin: boolean;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface AuthStatus {
  setup_required: boolean;
  multiuser_enabled: boolean;
}

export interface ProfileTile {
  user_id: string;
  display_name: string;
  initial: string;
  color: string;
}

export interface Preferences {
  idle_lock_minutes: number;
}

export interface SetupRequest {
  email: string;
  display_name: string;
  password: string;
}

export interface LoginRequest {
  /** Used by the browser. */
  email?: string;
  /** Used by the window, which signs in by profile tile. */
  user_id?: string;
  password: string;
  remember_me: boolean;
}

export interface ProfileUpdate {
  display_name?: string;
  current_password?: string;
  new_password?: string;
}

export interface NewUser {
  email: string;
  display_name: string;
  password: string;
  is_admin: boolean;
}

export interface UserUpdate {
  display_name?: string;
  password?: string;
  is_admin?: boolean;
  is_active?: boolean;
}

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
    };
  }
}

/** True inside the Easel window, false in a browser. */
export const inWindow: boolean = typeof window !== 'undefined' && !!window.go?.desktop;

const UNREACHABLE = 'Easel is not responding. Check that it is still running, then try again.';
const GENERIC = 'Something went wrong inside Easel. Try again; if it keeps happening, restart Easel.';

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

function signedOut(reason: string): void {
  token = null;
  for (const cb of [...signedOutListeners]) cb(reason);
}

/**
 * Calls cb with a sentence such as "Locked after 15 minutes without activity."
 * when the window's idle lock fires (Wails event "session:locked").
 * A no-op in the browser. Returns an unsubscribe function.
 */
export function onLocked(cb: (reason: string) => void): () => void {
  const rt = typeof window !== 'undefined' ? window.runtime : undefined;
  if (!rt?.EventsOn) return () => {};
  const off = rt.EventsOn('session:locked', (payload: unknown) => {
    token = null;
    const reason =
      payload && typeof payload === 'object' && typeof (payload as { reason?: unknown }).reason === 'string'
        ? (payload as { reason: string }).reason
        : '';
    cb(reason);
  });
  return typeof off === 'function' ? off : () => rt.EventsOff?.('session:locked');
}

// ---- Wails transport -------------------------------------------------------

function wailsError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const raw = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
  try {
    const v = JSON.parse(raw) as { status?: unknown; detail?: unknown; retry_after?: unknown };
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

async function callWails<T>(struct: string, method: string, args: unknown[], signedIn: boolean): Promise<T> {
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

let token: string | null = null;

async function callHttp<T>(method: string, path: string, body: unknown, signedIn: boolean): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;

  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }

  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new ApiError(500, 'Easel sent an answer this page cannot read. Reload the page; if it keeps happening, restart Easel.');
    }
  }

  let detail = '';
  try {
    const v = (await res.json()) as { detail?: unknown };
    if (typeof v?.detail === 'string') detail = v.detail;
  } catch {
    // not JSON
  }
  const retryAfter = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
  const e = new ApiError(res.status, detail || GENERIC, Number.isFinite(retryAfter) ? retryAfter : 0);
  if (signedIn && e.status === 401) signedOut(e.detail);
  throw e;
}

// ---- operations -------------------------------------------------------------

/** Whether the first administrator still has to be created. Public. */
export function getStatus(): Promise<AuthStatus> {
  return inWindow
    ? callWails('Auth', 'Status', [], false)
    : callHttp('GET', '/auth/status', undefined, false);
}

/** Creates the first administrator. Public, works once. Does not sign in. */
export async function setupAdmin(req: SetupRequest): Promise<User> {
  if (inWindow) return callWails('Auth', 'Setup', [req], false);
  const res = await callHttp<{ success: boolean; user: User }>('POST', '/auth/setup', req, false);
  return res.user;
}

/** The profiles shown as tiles on the window's login screen. Window only: [] in a browser. */
export async function getProfileTiles(): Promise<ProfileTile[]> {
  if (!inWindow) return [];
  return (await callWails<ProfileTile[] | null>('Auth', 'ProfileTiles', [], false)) ?? [];
}

/** Signs in: by user_id in the window, by email in a browser. */
export async function login(req: LoginRequest): Promise<User> {
  if (inWindow) {
    return callWails('Auth', 'Login', [{ email: req.email ?? '', user_id: req.user_id ?? '', password: req.password, remember_me: req.remember_me }], false);
  }
  const res = await callHttp<{ token: string; user: User; expires_in: number }>(
    'POST',
    '/auth/login',
    { email: req.email ?? '', password: req.password, remember_me: req.remember_me },
    false,
  );
  token = res.token;
  return res.user;
}

/**
 * The signed-in user if the window still holds a session (after a reload of
 * the page, or a remembered session), else null. Never reports "signed out".
 */
export async function resumeSession(): Promise<User | null> {
  if (!inWindow && !token) return null;
  try {
    return inWindow ? await callWails<User>('Auth', 'Me', [], false) : await callHttp<User>('GET', '/auth/me', undefined, false);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      token = null;
      return null;
    }
    throw err;
  }
}

/** Ends the session. Always forgets the local token, even if the call fails. */
export async function logout(): Promise<void> {
  try {
    if (inWindow) await callWails('Auth', 'Logout', [], false);
    else if (token) await callHttp('POST', '/auth/logout', undefined, false);
  } finally {
    token = null;
  }
}

/** Locks the window (ends the session, keeps the profile preselected). In a browser: logout. */
export async function lock(): Promise<void> {
  if (!inWindow) return logout();
  await callWails('Auth', 'Lock', [], false);
}

export function getMe(): Promise<User> {
  return inWindow ? callWails('Auth', 'Me', [], true) : callHttp('GET', '/auth/me', undefined, true);
}

export function updateMe(upd: ProfileUpdate): Promise<User> {
  return inWindow ? callWails('Auth', 'UpdateMe', [upd], true) : callHttp('PATCH', '/auth/me', upd, true);
}

export function getPreferences(): Promise<Preferences> {
  return inWindow
    ? callWails('Auth', 'Preferences', [], true)
    : callHttp('GET', '/auth/me/preferences', undefined, true);
}

export function setPreferences(p: Preferences): Promise<Preferences> {
  return inWindow
    ? callWails('Auth', 'SetPreferences', [p], true)
    : callHttp('PUT', '/auth/me/preferences', p, true);
}

/** Tells the window the user is active (resets the idle lock). A no-op in a browser. */
export async function touch(): Promise<void> {
  if (inWindow) await callWails('Auth', 'Touch', [], true);
}

export async function listUsers(): Promise<User[]> {
  const users = inWindow
    ? await callWails<User[] | null>('Users', 'List', [], true)
    : await callHttp<User[] | null>('GET', '/auth/users', undefined, true);
  return users ?? [];
}

export function createUser(u: NewUser): Promise<User> {
  return inWindow ? callWails('Users', 'Create', [u], true) : callHttp('POST', '/auth/users', u, true);
}

export function updateUser(userId: string, upd: UserUpdate): Promise<User> {
  return inWindow
    ? callWails('Users', 'Update', [userId, upd], true)
    : callHttp('PATCH', `/auth/users/${encodeURIComponent(userId)}`, upd, true);
}

export async function deleteUser(userId: string): Promise<void> {
  if (inWindow) await callWails('Users', 'Delete', [userId], true);
  else await callHttp('DELETE', `/auth/users/${encodeURIComponent(userId)}`, undefined, true);
}
