// The only module that talks to Go.
//
// Two transports sit behind the same functions, chosen once at load:
//   - inside the Wails window, the bound methods window.go.desktop.<Struct>.<Method>;
//     the session lives in Go memory and never reaches the page;
//   - in a browser (`easel serve`), fetch against /api/v1 on the same origin, with
//     the bearer token kept only in the `token` variable below (never in storage
//     or URLs: a reload means signing in again). The server also sets an HttpOnly
//     cookie for image URLs, downloads and the event stream; a page that starts
//     without a token ends the session that cookie holds (see resumeSession).

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
      OnFileDrop?(cb: (x: number, y: number, paths: string[]) => void, useDropTarget: boolean): void;
      OnFileDropOff?(): void;
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
 * A browser page without a token has none to resume: it ends the cookie's.
 */
export async function resumeSession(): Promise<User | null> {
  if (!inWindow && !token) {
    await endCookieSession();
    return null;
  }
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

/**
 * Browser only: ends the session the HttpOnly cookie holds, if any, and
 * clears the cookie. A page that starts without a token (a reload, another
 * tab) cannot use that session itself, yet images, zips and the event stream
 * still would open with it, for days: so it ends it, and the person signs
 * in again. A 401 (no session left) is what it wants.
 */
async function endCookieSession(): Promise<void> {
  try {
    await callHttp('POST', '/auth/logout', undefined, false);
  } catch {
    // nothing to end, or Easel is not answering: the sign-in screen follows either way
  }
}

/**
 * Ends the session. Always forgets the local token, even if the call fails.
 * In a browser the call goes out even without a token: the server ends the
 * cookie's session then, and always clears the cookie.
 */
export async function logout(): Promise<void> {
  try {
    if (inWindow) await callWails('Auth', 'Logout', [], false);
    else await callHttp('POST', '/auth/logout', undefined, false);
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

// ---- boards and images -------------------------------------------------------

// ---- Studio settings (everyone reads; admins change) ------------------------

export interface Settings {
  pixel_budget_megapixels: number;
  max_pending_per_user: number;
  max_items_per_batch: number;
  audit_retention_days: number;
}

export type SettingsUpdate = Partial<Settings>;

export function getSettings(): Promise<Settings> {
  return inWindow ? callWails('Settings', 'Get', [], true) : callHttp('GET', '/settings', undefined, true);
}

export function updateSettings(upd: SettingsUpdate): Promise<Settings> {
  return inWindow ? callWails('Settings', 'Update', [upd], true) : callHttp('PATCH', '/settings', upd, true);
}

export type Visibility = 'private' | 'shared' | 'public';
/** How the caller comes to see a board. */
export type BoardRole = 'owner' | 'admin' | 'editor' | 'viewer' | 'shared' | 'public';
export type ShareRole = 'viewer' | 'editor';

export interface Board {
  board_id: string;
  board_name: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  archived: boolean;
  board_visibility: Visibility;
  cover_image_name: string | null;
  image_count: number;
  owner_name: string;
  my_role: BoardRole;
  can_add: boolean;
  can_manage: boolean;
}

export interface BoardUpdate {
  board_name?: string;
  archived?: boolean;
  board_visibility?: Visibility;
}

export interface Share {
  user_id: string;
  display_name: string;
  role: ShareRole;
  shared_at: string;
}

export interface Image {
  image_name: string;
  user_id: string;
  owner_name: string;
  board_id: string | null;
  width: number;
  height: number;
  created_at: string;
  starred: boolean;
  original_name: string;
  size: number;
  content_type: string;
  /** Absolute path, authorized by cookie (browser) or the window's session. */
  image_url: string;
  thumbnail_url: string;
  can_take_off: boolean;
  can_delete: boolean;
  /** A rendered image's settings (see ImageMetadata); absent for imported images. */
  metadata?: ImageMetadata | null;
}

export interface ImagePage {
  items: Image[];
  offset: number;
  limit: number;
  total: number;
  /** "" when there is nothing more. */
  next_cursor: string;
}

export interface BulkResult {
  done: string[];
  skipped: { id: string; reason: string }[];
}

export interface ImportResult {
  imported: Image[];
  refused: { name: string; reason: string }[];
}

export interface ImportProgress {
  done: number;
  total: number;
  file_name: string;
}

/** The board id for images with no board, in listings. */
export const UNCATEGORIZED = 'none';

const enc = encodeURIComponent;

function bulk(r: BulkResult | null | undefined): BulkResult {
  return { done: r?.done ?? [], skipped: r?.skipped ?? [] };
}

export async function listBoards(includeArchived: boolean): Promise<Board[]> {
  const boards = inWindow
    ? await callWails<Board[] | null>('Boards', 'List', [{ all: true, include_archived: includeArchived }], true)
    : await callHttp<Board[] | null>('GET', `/boards/?all=true&include_archived=${includeArchived}`, undefined, true);
  return boards ?? [];
}

export function createBoard(name: string): Promise<Board> {
  return inWindow
    ? callWails('Boards', 'Create', [name], true)
    : callHttp('POST', `/boards/?board_name=${enc(name)}`, undefined, true);
}

export function getBoard(boardId: string): Promise<Board> {
  return inWindow ? callWails('Boards', 'Get', [boardId], true) : callHttp('GET', `/boards/${enc(boardId)}`, undefined, true);
}

export function updateBoard(boardId: string, upd: BoardUpdate): Promise<Board> {
  return inWindow
    ? callWails('Boards', 'Update', [boardId, upd], true)
    : callHttp('PATCH', `/boards/${enc(boardId)}`, upd, true);
}

/** Deletes a board; its images become uncategorized unless includeImages. */
export async function deleteBoard(boardId: string, includeImages: boolean): Promise<BulkResult> {
  return bulk(
    inWindow
      ? await callWails<BulkResult>('Boards', 'Delete', [boardId, includeImages], true)
      : await callHttp<BulkResult>('DELETE', `/boards/${enc(boardId)}?include_images=${includeImages}`, undefined, true),
  );
}

export async function listShares(boardId: string): Promise<Share[]> {
  const shares = inWindow
    ? await callWails<Share[] | null>('Boards', 'Shares', [boardId], true)
    : await callHttp<Share[] | null>('GET', `/boards/${enc(boardId)}/shares`, undefined, true);
  return shares ?? [];
}

/** Shares a board with a person, or changes their role. */
export function shareBoard(boardId: string, userId: string, role: ShareRole): Promise<Share> {
  return inWindow
    ? callWails('Boards', 'Share', [boardId, userId, role], true)
    : callHttp('POST', `/boards/${enc(boardId)}/shares`, { user_id: userId, role }, true);
}

export async function unshareBoard(boardId: string, userId: string): Promise<void> {
  if (inWindow) await callWails('Boards', 'Unshare', [boardId, userId], true);
  else await callHttp('DELETE', `/boards/${enc(boardId)}/shares/${enc(userId)}`, undefined, true);
}

/** The machine's other profiles, to share a board with. */
export async function shareCandidates(boardId: string): Promise<ProfileTile[]> {
  const tiles = inWindow
    ? await callWails<ProfileTile[] | null>('Boards', 'ShareCandidates', [boardId], true)
    : await callHttp<ProfileTile[] | null>('GET', `/boards/${enc(boardId)}/share_candidates`, undefined, true);
  return tiles ?? [];
}

/**
 * Downloads a board as a zip. The window asks where to save it and returns
 * the path ("" if cancelled); a browser starts a download and returns "".
 */
export async function downloadBoard(boardId: string): Promise<string> {
  if (inWindow) return (await callWails<string>('Boards', 'Download', [boardId], true)) ?? '';
  // The HttpOnly cookie set at sign-in authorizes this plain navigation.
  const a = document.createElement('a');
  a.href = `/api/v1/boards/${enc(boardId)}/download`;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
  return '';
}

/** One page of a board's images, newest first. boardId UNCATEGORIZED = my images with no board. */
export async function listImages(boardId: string, cursor: string, limit = 100): Promise<ImagePage> {
  const page = inWindow
    ? await callWails<ImagePage>('Images', 'List', [{ board_id: boardId, cursor, limit }], true)
    : await callHttp<ImagePage>('GET', `/images/?board_id=${enc(boardId)}&cursor=${enc(cursor)}&limit=${limit}`, undefined, true);
  return { ...page, items: page?.items ?? [], next_cursor: page?.next_cursor ?? '' };
}

export function getImage(name: string): Promise<Image> {
  return inWindow ? callWails('Images', 'Get', [name], true) : callHttp('GET', `/images/i/${enc(name)}`, undefined, true);
}

export function updateImage(name: string, upd: { starred?: boolean }): Promise<Image> {
  return inWindow
    ? callWails('Images', 'Update', [name, upd], true)
    : callHttp('PATCH', `/images/i/${enc(name)}`, upd, true);
}

export async function deleteImages(names: string[]): Promise<BulkResult> {
  return bulk(
    inWindow
      ? await callWails<BulkResult>('Images', 'Delete', [names], true)
      : await callHttp<BulkResult>('POST', '/images/delete', { image_names: names }, true),
  );
}

export async function starImages(names: string[], starred: boolean): Promise<BulkResult> {
  return bulk(
    inWindow
      ? await callWails<BulkResult>('Images', 'Star', [names, starred], true)
      : await callHttp<BulkResult>('POST', starred ? '/images/star' : '/images/unstar', { image_names: names }, true),
  );
}

/** Moves images onto a board (off whichever board they were on). */
export async function addToBoard(boardId: string, names: string[]): Promise<BulkResult> {
  return bulk(
    inWindow
      ? await callWails<BulkResult>('Images', 'AddToBoard', [boardId, names], true)
      : await callHttp<BulkResult>('POST', '/board_images/batch', { board_id: boardId, image_names: names }, true),
  );
}

/** Takes images off their boards: they become their owners' uncategorized images. */
export async function removeFromBoard(names: string[]): Promise<BulkResult> {
  return bulk(
    inWindow
      ? await callWails<BulkResult>('Images', 'RemoveFromBoard', [names], true)
      : await callHttp<BulkResult>('POST', '/board_images/batch/delete', { image_names: names }, true),
  );
}

/** Downloads images as a zip: the window's save dialog (returns the path, "" if cancelled), or a browser download. */
export async function downloadImages(names: string[]): Promise<string> {
  if (inWindow) return (await callWails<string>('Images', 'Download', [names], true)) ?? '';
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch('/api/v1/images/download', {
      method: 'POST',
      headers,
      body: JSON.stringify({ image_names: names }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, UNREACHABLE);
  }
  if (!res.ok) throw await httpError(res);
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

async function httpError(res: Response): Promise<ApiError> {
  let detail = '';
  try {
    const v = (await res.json()) as { detail?: unknown };
    if (typeof v?.detail === 'string') detail = v.detail;
  } catch {
    // not JSON
  }
  const e = new ApiError(res.status, detail || GENERIC);
  if (e.status === 401) signedOut(e.detail);
  return e;
}

/**
 * Window only: Go opens the native multi-file dialog and imports what the
 * person picks into boardId ("" = uncategorized). Progress arrives through
 * onImportProgress. Nothing picked: an empty result.
 */
export async function importDialog(boardId: string): Promise<ImportResult> {
  const r = await callWails<ImportResult | null>('Images', 'ImportDialog', [boardId], true);
  return { imported: r?.imported ?? [], refused: r?.refused ?? [] };
}

/** Window only: imports files dropped from the OS, by path. */
export async function importPaths(boardId: string, paths: string[]): Promise<ImportResult> {
  const r = await callWails<ImportResult | null>('Images', 'ImportFiles', [boardId, paths], true);
  return { imported: r?.imported ?? [], refused: r?.refused ?? [] };
}

/** Window only: calls cb for each "import:progress" event. Returns an unsubscribe function. */
export function onImportProgress(cb: (p: ImportProgress) => void): () => void {
  const rt = typeof window !== 'undefined' ? window.runtime : undefined;
  if (!inWindow || !rt?.EventsOn) return () => {};
  const off = rt.EventsOn('import:progress', (payload: unknown) => {
    const p = (payload ?? {}) as Partial<ImportProgress>;
    cb({ done: Number(p.done) || 0, total: Number(p.total) || 0, file_name: String(p.file_name ?? '') });
  });
  return typeof off === 'function' ? off : () => rt.EventsOff?.('import:progress');
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

/**
 * Browser only: uploads one file into boardId ("" = uncategorized), calling
 * onprogress with the fraction sent (0..1). Resolves with the new image;
 * a refused file rejects with an ApiError carrying the server's reason.
 */
export function uploadImage(boardId: string, file: File, onprogress: (fraction: number) => void): Promise<Image> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const q = boardId ? `?board_id=${enc(boardId)}` : '';
    xhr.open('POST', `/api/v1/images/upload${q}`);
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
        resolve(body as Image);
        return;
      }
      const detail = body && typeof (body as { detail?: unknown }).detail === 'string' ? (body as { detail: string }).detail : '';
      const e = new ApiError(xhr.status || 500, detail || GENERIC);
      if (e.status === 401) signedOut(e.detail);
      reject(e);
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** The thumbnail of an image known only by name (a board's cover). */
export function thumbnailUrl(imageName: string): string {
  return `/api/v1/images/i/${enc(imageName)}/thumbnail`;
}

// ---- workflows and the render queue -------------------------------------------

/** What a node field takes (app/engine/spec.go). */
export type FieldKind = 'int' | 'float' | 'string' | 'bool' | 'color' | 'image' | 'board' | 'enum';

/** One input of a node type, as the engine describes it. */
export interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  max_length?: number;
  choices?: string[];
  description: string;
}

/** One field of a workflow's form: the node and field it sets, and its spec. */
export interface WorkflowField extends FieldSpec {
  label: string;
  node_id: string;
  field: string;
}

/** A node of a graph: its id, its type, and the values of its fields. */
export type GraphNode = { id: string; type: string } & Record<string, unknown>;

export interface GraphEdge {
  source: { node_id: string; field: string };
  destination: { node_id: string; field: string };
}

/** A graph in InvokeAI's shape. */
export interface Graph {
  nodes: Record<string, GraphNode>;
  edges: GraphEdge[];
}

/** A built-in workflow: a graph and the fields of it a form shows. */
export interface Workflow {
  id: string;
  name: string;
  description: string;
  graph: Graph;
  fields: WorkflowField[];
}

/** A colour as the engine writes it: each channel 0-255. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a?: number;
}

/** Values for one node field, one per item (InvokeAI's batch data). */
export interface BatchDatum {
  node_path: string;
  field_name: string;
  items: unknown[];
}

/** A graph and what to run it with: the datums of an inner list are zipped, the lists multiplied, the whole repeated `runs` times. */
export interface Batch {
  batch_id?: string;
  graph: Graph;
  data?: BatchDatum[][];
  runs: number;
  origin?: string;
}

export interface FieldValue {
  node_path: string;
  field_name: string;
  value: unknown;
}

export type QueueStatus = 'pending' | 'in_progress' | 'completed' | 'failed' | 'canceled';

/**
 * One run of a graph. Someone else's item (to anyone but an admin) comes
 * redacted: id, status, priority and times only.
 */
export interface QueueItem {
  item_id: number;
  status: QueueStatus;
  priority: number;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  queue_id: string;
  batch_id?: string;
  user_id?: string;
  owner_name?: string;
  /** Only from getQueueItem: listings leave it out. */
  graph?: Graph | null;
  field_values?: FieldValue[] | null;
  error_type?: string;
  error_message?: string;
  image_names?: string[] | null;
  mine: boolean;
  redacted?: boolean;
}

export interface EnqueueResult {
  queue_id: string;
  enqueued: number;
  requested: number;
  item_ids: number[];
  batch: Batch;
  priority: number;
}

export interface QueueCounts {
  pending: number;
  in_progress: number;
  completed: number;
  failed: number;
  canceled: number;
  total: number;
}

export interface QueueStatusReport {
  /** Everyone's items. */
  queue: QueueCounts;
  /** The caller's own. */
  mine: QueueCounts;
  processor: { is_started: boolean; is_processing: boolean; is_paused: boolean };
}

export type QueueEventType =
  | 'queue_item_status_changed'
  | 'queue_item_deleted'
  | 'invocation_progress'
  | 'image_saved'
  | 'processor_changed';

/** Something that happened to a queue item (or, for processor_changed, to the queue: no item). `percent` is 0-100. */
export interface QueueEvent {
  type: QueueEventType;
  item?: QueueItem;
  node_id?: string;
  node_type?: string;
  percent?: number;
  image_name?: string;
  /** Where image_saved put the image: "" for uncategorized. */
  board_id?: string;
}

/** What save_image records with a rendered image, so its settings can be used again. */
export interface ImageMetadata {
  generator?: string;
  /** The save_image node's id. */
  node?: string;
  /** The whole graph as it ran, batch values substituted. */
  graph?: Graph;
  prompt?: string;
  seed?: number;
  source_node?: string;
  width?: number;
  height?: number;
}

const QUEUE = '/queue/default';

/** The built-in workflows the Generate panel offers. */
export async function listWorkflows(): Promise<Workflow[]> {
  const ws = inWindow
    ? await callWails<Workflow[] | null>('Queue', 'Workflows', [], true)
    : await callHttp<Workflow[] | null>('GET', '/workflows/builtin', undefined, true);
  return ws ?? [];
}

/** Queues a batch. A graph the engine refuses is a 400 whose detail names the node and the field. */
export function enqueueBatch(batch: Batch, priority = 0): Promise<EnqueueResult> {
  return inWindow
    ? callWails('Queue', 'Enqueue', [batch, priority], true)
    : callHttp('POST', `${QUEUE}/enqueue_batch`, { batch, priority }, true);
}

/** The newest items (up to 1000), oldest first; others' redacted unless the caller is an admin. */
export async function listQueue(): Promise<QueueItem[]> {
  const items = inWindow
    ? await callWails<QueueItem[] | null>('Queue', 'List', [], true)
    : await callHttp<QueueItem[] | null>('GET', `${QUEUE}/list_all`, undefined, true);
  return items ?? [];
}

export function queueStatus(): Promise<QueueStatusReport> {
  return inWindow ? callWails('Queue', 'Status', [], true) : callHttp('GET', `${QUEUE}/status`, undefined, true);
}

/** One item, with its graph when the caller may see it. */
export function getQueueItem(id: number): Promise<QueueItem> {
  return inWindow ? callWails('Queue', 'Get', [id], true) : callHttp('GET', `${QUEUE}/i/${id}`, undefined, true);
}

/** Cancels a waiting or running item (a running one stops at its next step). */
export function cancelQueueItem(id: number): Promise<QueueItem> {
  return inWindow ? callWails('Queue', 'Cancel', [id], true) : callHttp('PUT', `${QUEUE}/i/${id}/cancel`, undefined, true);
}

export async function deleteQueueItem(id: number): Promise<void> {
  if (inWindow) await callWails('Queue', 'Delete', [id], true);
  else await callHttp('DELETE', `${QUEUE}/i/${id}`, undefined, true);
}

/** Queues failed or canceled items again, as new items; returns the new ids. */
export async function retryQueueItems(ids: number[]): Promise<number[]> {
  if (inWindow) return (await callWails<number[] | null>('Queue', 'Retry', [ids], true)) ?? [];
  const r = await callHttp<{ retried_item_ids: number[] | null }>('PUT', `${QUEUE}/retry_items_by_id`, ids, true);
  return r?.retried_item_ids ?? [];
}

/** Deletes finished items: the caller's own, everyone's for an admin. Returns how many. */
export async function pruneQueue(): Promise<number> {
  if (inWindow) return (await callWails<number>('Queue', 'Prune', [], true)) ?? 0;
  return (await callHttp<{ deleted: number }>('PUT', `${QUEUE}/prune`, undefined, true))?.deleted ?? 0;
}

/** Deletes items, running ones too: everyone's for an admin, else the caller's own. Returns how many. */
export async function clearQueue(): Promise<number> {
  if (inWindow) return (await callWails<number>('Queue', 'Clear', [], true)) ?? 0;
  return (await callHttp<{ deleted: number }>('PUT', `${QUEUE}/clear`, undefined, true))?.deleted ?? 0;
}

/** Pauses or resumes the worker (admins only). The running item finishes. */
export async function setQueuePaused(paused: boolean): Promise<void> {
  if (inWindow) await callWails('Queue', 'SetPaused', [paused], true);
  else await callHttp('PUT', `${QUEUE}/processor/${paused ? 'pause' : 'resume'}`, undefined, true);
}

export interface QueueEventHandlers {
  event: (e: QueueEvent) => void;
  /** The browser's stream came back after a break: events may have been missed. */
  reconnected?: () => void;
}

const QUEUE_EVENT_TYPES: QueueEventType[] = [
  'queue_item_status_changed',
  'queue_item_deleted',
  'invocation_progress',
  'image_saved',
  'processor_changed',
];

function queueEventOf(payload: unknown, type?: string): QueueEvent | null {
  if (!payload || typeof payload !== 'object') return null;
  const e = payload as Partial<QueueEvent>;
  const t = (e.type ?? type) as QueueEventType | undefined;
  if (!t || !QUEUE_EVENT_TYPES.includes(t) || !e.item || typeof e.item.item_id !== 'number') return null;
  return { ...e, type: t, item: e.item, percent: Number(e.percent) || 0 } as QueueEvent;
}

/**
 * Listens to queue events while signed in: the window's "queue:event", or in
 * a browser the server-sent stream (authorized by the session cookie), which
 * reconnects with a growing delay after a break. A stream that says its
 * session ended sends the app back to sign-in. Returns the function that stops
 * listening (call it on sign-out and lock).
 */
export function subscribeQueueEvents(h: QueueEventHandlers): () => void {
  if (typeof window === 'undefined') return () => {};
  if (inWindow) {
    const rt = window.runtime;
    if (!rt?.EventsOn) return () => {};
    const off = rt.EventsOn('queue:event', (payload: unknown) => {
      const e = queueEventOf(payload);
      if (e) h.event(e);
    });
    return typeof off === 'function' ? off : () => rt.EventsOff?.('queue:event');
  }
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
    const src = new EventSource(`/api/v1${QUEUE}/events`, { withCredentials: true });
    es = src;
    src.onopen = () => {
      delay = 1000;
      if (connectedBefore) h.reconnected?.();
      connectedBefore = true;
    };
    for (const type of QUEUE_EVENT_TYPES) {
      src.addEventListener(type, (m) => {
        try {
          const e = queueEventOf(JSON.parse((m as MessageEvent<string>).data), type);
          if (e) h.event(e);
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
      getMe().catch(() => {});
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
