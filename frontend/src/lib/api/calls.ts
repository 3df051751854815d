// The one table of calls between the web UI and Go. Each call is here once,
// with both of its ways in: the method bound into the window (app/desktop,
// reached as window.go.desktop.<Struct>.<Method>) and the route of `easel
// serve` (app/httpapi/routes.go), with where its arguments go in each.
// transport.ts makes the calls; the domain modules (auth.ts, boards.ts, …)
// give them names and tidy what comes back. app/desktop's
// TestFrontendCallsExist checks every `bound` here against the bound methods.

import type * as T from '../types.gen';
import { DEFAULT_QUEUE } from '../types.gen';
import { keepToken } from './transport';

/** The structs app/desktop binds (Session.Bindings). */
export type Struct = 'Auth' | 'Users' | 'Boards' | 'Images' | 'Queue' | 'Settings' | 'Workflows' | 'StylePresets' | 'Generation';

/** How a call maps onto a route under /api/v1. */
export interface Route<A extends unknown[], R> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path, with the arguments that go in it and in its query. */
  path: (...args: A) => string;
  /** The JSON body, for a route that takes one. */
  body?: (...args: A) => unknown;
  /** The multipart body, for a route that takes a file (sent with upload progress). */
  form?: (...args: A) => FormData;
  /** What the bound method returns, for a route that wraps it in an object. */
  reply?: (answer: never) => R;
  /**
   * 'file': the answer is a file the browser saves (resolves to "");
   * 'link': the browser opens the path itself, with the session cookie (resolves to "").
   * Otherwise the answer is JSON.
   */
  answer?: 'file' | 'link';
}

/** One call: A are its arguments, R what it resolves to. */
export interface Call<A extends unknown[], R> {
  /** The bound method, "Struct.Method"; absent for a call only a browser makes. */
  bound?: `${Struct}.${string}`;
  /** The bound method's arguments, when they are not the call's as they are. */
  args?: (...args: A) => unknown[];
  /** The route; absent for a call only the window makes. */
  http?: Route<A, R>;
  /**
   * A 401 is an answer, not news (see CallOptions.quiet): the calls that work
   * signed out (desktop.PublicMethods, httpapi.PublicRoutes) and those that
   * end the session themselves.
   */
  quiet?: boolean;
}

const call = <A extends unknown[], R>(c: Call<A, R>): Call<A, R> => c;
const enc = encodeURIComponent;

const QUEUE = `/queue/${DEFAULT_QUEUE}`;

/** What a browser signs in with; the window signs in by profile tile (user_id). */
export type LoginRequest = Pick<T.Credentials, 'email' | 'user_id'> & Required<Pick<T.Credentials, 'password' | 'remember_me'>>;
/** The first administrator. */
export type SetupRequest = Required<Pick<T.NewUser, 'email' | 'display_name' | 'password'>>;

/** What `easel serve` answers where the window's method returns less (httpapi writes these as maps). */
type SetupReply = { success: boolean; user: T.User };
type LoginReply = { token: string; user: T.User; expires_in: number };
type RetryReply = { queue_id: string; retried_item_ids: number[] | null } | undefined;
type CountReply = { deleted: number } | undefined;

const imageNames = (names: string[]) => ({ image_names: names });

export const calls = {
  // ---- signing in, and the signed-in user's own profile
  status: call<[], T.AuthStatus>({ bound: 'Auth.Status', http: { method: 'GET', path: () => '/auth/status' }, quiet: true }),
  setup: call<[req: SetupRequest], T.User>({
    bound: 'Auth.Setup',
    http: { method: 'POST', path: () => '/auth/setup', body: (req) => req, reply: (r: SetupReply) => r.user },
    quiet: true,
  }),
  profileTiles: call<[], T.ProfileTile[] | null>({ bound: 'Auth.ProfileTiles', quiet: true }),
  login: call<[req: LoginRequest], T.User>({
    bound: 'Auth.Login',
    args: (req) => [{ email: req.email ?? '', user_id: req.user_id ?? '', password: req.password, remember_me: req.remember_me }],
    http: {
      method: 'POST',
      path: () => '/auth/login',
      body: (req) => ({ email: req.email ?? '', password: req.password, remember_me: req.remember_me }),
      reply: (r: LoginReply) => {
        keepToken(r.token);
        return r.user;
      },
    },
    quiet: true,
  }),
  // A browser's logout also ends the cookie's session, token or not (the route takes the cookie).
  logout: call<[], unknown>({ bound: 'Auth.Logout', http: { method: 'POST', path: () => '/auth/logout' }, quiet: true }),
  lock: call<[], unknown>({ bound: 'Auth.Lock', quiet: true }),
  touch: call<[], unknown>({ bound: 'Auth.Touch' }),
  me: call<[], T.User>({ bound: 'Auth.Me', http: { method: 'GET', path: () => '/auth/me' } }),
  updateMe: call<[upd: T.ProfileUpdate], T.User>({
    bound: 'Auth.UpdateMe',
    http: { method: 'PATCH', path: () => '/auth/me', body: (upd) => upd },
  }),
  preferences: call<[], T.Preferences>({ bound: 'Auth.Preferences', http: { method: 'GET', path: () => '/auth/me/preferences' } }),
  setPreferences: call<[p: T.Preferences], T.Preferences>({
    bound: 'Auth.SetPreferences',
    http: { method: 'PUT', path: () => '/auth/me/preferences', body: (p) => p },
  }),

  // ---- profiles (admins)
  listUsers: call<[], T.User[] | null>({ bound: 'Users.List', http: { method: 'GET', path: () => '/auth/users' } }),
  createUser: call<[u: T.NewUser], T.User>({ bound: 'Users.Create', http: { method: 'POST', path: () => '/auth/users', body: (u) => u } }),
  updateUser: call<[userId: string, upd: T.UserUpdate], T.User>({
    bound: 'Users.Update',
    http: { method: 'PATCH', path: (userId) => `/auth/users/${enc(userId)}`, body: (_, upd) => upd },
  }),
  deleteUser: call<[userId: string], unknown>({
    bound: 'Users.Delete',
    http: { method: 'DELETE', path: (userId) => `/auth/users/${enc(userId)}` },
  }),

  // ---- the studio's settings
  settings: call<[], T.Settings>({ bound: 'Settings.Get', http: { method: 'GET', path: () => '/settings' } }),
  updateSettings: call<[upd: T.SettingsUpdate], T.Settings>({
    bound: 'Settings.Update',
    http: { method: 'PATCH', path: () => '/settings', body: (upd) => upd },
  }),

  // ---- image generation: the backends and who may use their models (admins), the models one may use (everyone)
  backends: call<[], T.BackendStatus[] | null>({ bound: 'Generation.Backends', http: { method: 'GET', path: () => '/generation/backends' } }),
  // The whole list Settings keeps; those from the command line are sent back as they are, and ignored.
  setBackends: call<[backends: T.Backend[]], T.BackendStatus[] | null>({
    bound: 'Generation.SetBackends',
    http: { method: 'PUT', path: () => '/generation/backends', body: (backends) => backends },
  }),
  testBackend: call<[name: string], T.BackendStatus>({
    bound: 'Generation.TestBackend',
    http: { method: 'POST', path: (name) => `/generation/backends/${enc(name)}/test` },
  }),
  models: call<[], T.Model[] | null>({ bound: 'Generation.Models', http: { method: 'GET', path: () => '/generation/models' } }),
  modelGrants: call<[], T.ModelGrant[] | null>({ bound: 'Generation.ModelGrants', http: { method: 'GET', path: () => '/generation/models/access' } }),
  setModelAccess: call<[access: T.ModelAccess], T.ModelAccess>({
    bound: 'Generation.SetModelAccess',
    http: { method: 'PUT', path: () => '/generation/models/access', body: (access) => access },
  }),
  /** The window's file dialogs ("" if cancelled); a browser types the full path. */
  chooseProgram: call<[], string>({ bound: 'Generation.ChooseProgram' }),
  chooseModelFile: call<[], string>({ bound: 'Generation.ChooseModelFile' }),

  // ---- boards and sharing
  listBoards: call<[includeArchived: boolean], T.Board[] | null>({
    bound: 'Boards.List',
    args: (includeArchived) => [{ all: true, include_archived: includeArchived } satisfies T.BoardFilter],
    http: { method: 'GET', path: (includeArchived) => `/boards/?all=true&include_archived=${includeArchived}` },
  }),
  createBoard: call<[name: string], T.Board>({
    bound: 'Boards.Create',
    http: { method: 'POST', path: (name) => `/boards/?board_name=${enc(name)}` },
  }),
  getBoard: call<[boardId: string], T.Board>({ bound: 'Boards.Get', http: { method: 'GET', path: (boardId) => `/boards/${enc(boardId)}` } }),
  updateBoard: call<[boardId: string, upd: T.BoardUpdate], T.Board>({
    bound: 'Boards.Update',
    http: { method: 'PATCH', path: (boardId) => `/boards/${enc(boardId)}`, body: (_, upd) => upd },
  }),
  deleteBoard: call<[boardId: string, includeImages: boolean], T.BulkResult | null>({
    bound: 'Boards.Delete',
    http: { method: 'DELETE', path: (boardId, includeImages) => `/boards/${enc(boardId)}?include_images=${includeImages}` },
  }),
  listShares: call<[boardId: string], T.Share[] | null>({
    bound: 'Boards.Shares',
    http: { method: 'GET', path: (boardId) => `/boards/${enc(boardId)}/shares` },
  }),
  shareBoard: call<[boardId: string, userId: string, role: T.ShareRole], T.Share>({
    bound: 'Boards.Share',
    http: { method: 'POST', path: (boardId) => `/boards/${enc(boardId)}/shares`, body: (_, userId, role) => ({ user_id: userId, role }) },
  }),
  unshareBoard: call<[boardId: string, userId: string], unknown>({
    bound: 'Boards.Unshare',
    http: { method: 'DELETE', path: (boardId, userId) => `/boards/${enc(boardId)}/shares/${enc(userId)}` },
  }),
  shareCandidates: call<[boardId: string], T.ProfileTile[] | null>({
    bound: 'Boards.ShareCandidates',
    http: { method: 'GET', path: (boardId) => `/boards/${enc(boardId)}/share_candidates` },
  }),
  // The window asks where to save and resolves to the path ("" if cancelled).
  downloadBoard: call<[boardId: string], string | null>({
    bound: 'Boards.Download',
    http: { method: 'GET', path: (boardId) => `/boards/${enc(boardId)}/download`, answer: 'link' },
  }),

  // ---- images
  listImages: call<[boardId: string, cursor: string, limit: number], T.ImagePage>({
    bound: 'Images.List',
    args: (boardId, cursor, limit) => [{ board_id: boardId, cursor, limit } satisfies T.ImageFilter],
    http: {
      method: 'GET',
      path: (boardId, cursor, limit) => `/images/?board_id=${enc(boardId)}&cursor=${enc(cursor)}&limit=${limit}`,
    },
  }),
  getImage: call<[name: string], T.Image>({ bound: 'Images.Get', http: { method: 'GET', path: (name) => `/images/i/${enc(name)}` } }),
  updateImage: call<[name: string, upd: T.ImageUpdate], T.Image>({
    bound: 'Images.Update',
    http: { method: 'PATCH', path: (name) => `/images/i/${enc(name)}`, body: (_, upd) => upd },
  }),
  deleteImages: call<[names: string[]], T.BulkResult | null>({
    bound: 'Images.Delete',
    http: { method: 'POST', path: () => '/images/delete', body: imageNames },
  }),
  starImages: call<[names: string[], starred: boolean], T.BulkResult | null>({
    bound: 'Images.Star',
    http: { method: 'POST', path: (_, starred) => (starred ? '/images/star' : '/images/unstar'), body: imageNames },
  }),
  addToBoard: call<[boardId: string, names: string[]], T.BulkResult | null>({
    bound: 'Images.AddToBoard',
    http: { method: 'POST', path: () => '/board_images/batch', body: (boardId, names) => ({ board_id: boardId, image_names: names }) },
  }),
  removeFromBoard: call<[names: string[]], T.BulkResult | null>({
    bound: 'Images.RemoveFromBoard',
    http: { method: 'POST', path: () => '/board_images/batch/delete', body: imageNames },
  }),
  // The window asks where to save and resolves to the path ("" if cancelled).
  downloadImages: call<[names: string[]], string | null>({
    bound: 'Images.Download',
    http: { method: 'POST', path: () => '/images/download', body: imageNames, answer: 'file' },
  }),
  importDialog: call<[boardId: string], T.ImportResult | null>({ bound: 'Images.ImportDialog' }),
  importFiles: call<[boardId: string, paths: string[]], T.ImportResult | null>({ bound: 'Images.ImportFiles' }),
  upload: call<[boardId: string, file: File], T.Image>({
    http: {
      method: 'POST',
      path: (boardId) => `/images/upload${boardId ? `?board_id=${enc(boardId)}` : ''}`,
      form: (_, file) => {
        const form = new FormData();
        form.append('file', file, file.name);
        return form;
      },
    },
  }),

  // ---- workflows and the render queue
  workflows: call<[], T.Workflow[] | null>({ bound: 'Queue.Workflows', http: { method: 'GET', path: () => '/workflows/builtin' } }),

  // ---- the workflow library
  listLibrary: call<[f: T.WorkflowFilter], T.WorkflowPage>({
    bound: 'Workflows.List',
    http: { method: 'GET', path: (f) => `/workflows/?${workflowQuery(f)}`, reply: (p: NumberedPage<T.WorkflowListItem>) => libraryPage(p) },
  }),
  getLibraryWorkflow: call<[id: string], T.WorkflowRecord>({
    bound: 'Workflows.Get',
    http: { method: 'GET', path: (id) => `/workflows/i/${enc(id)}` },
  }),
  createLibraryWorkflow: call<[doc: T.Workflow], T.WorkflowRecord>({
    bound: 'Workflows.Create',
    http: { method: 'POST', path: () => '/workflows/', body: (doc) => ({ workflow: doc }) },
  }),
  updateLibraryWorkflow: call<[id: string, doc: T.Workflow], T.WorkflowRecord>({
    bound: 'Workflows.Update',
    http: { method: 'PATCH', path: (id) => `/workflows/i/${enc(id)}`, body: (_, doc) => ({ workflow: doc }) },
  }),
  setWorkflowPublic: call<[id: string, isPublic: boolean], T.WorkflowRecord>({
    bound: 'Workflows.SetPublic',
    http: { method: 'PATCH', path: (id) => `/workflows/i/${enc(id)}/is_public`, body: (_, isPublic) => ({ is_public: isPublic }) },
  }),
  deleteLibraryWorkflow: call<[id: string], unknown>({
    bound: 'Workflows.Delete',
    http: { method: 'DELETE', path: (id) => `/workflows/i/${enc(id)}` },
  }),
  copyLibraryWorkflow: call<[id: string], T.WorkflowRecord>({
    bound: 'Workflows.Copy',
    http: { method: 'POST', path: (id) => `/workflows/i/${enc(id)}/copy` },
  }),
  markWorkflowOpened: call<[id: string], T.WorkflowRecord>({
    bound: 'Workflows.MarkOpened',
    http: { method: 'PUT', path: (id) => `/workflows/i/${enc(id)}/opened_at` },
  }),
  workflowTags: call<[f: T.WorkflowFilter], string[] | null>({
    bound: 'Workflows.Tags',
    http: { method: 'GET', path: (f) => `/workflows/tags?${workflowQuery(f)}` },
  }),
  workflowShares: call<[id: string], T.Share[] | null>({
    bound: 'Workflows.Shares',
    http: { method: 'GET', path: (id) => `/workflows/i/${enc(id)}/shares` },
  }),
  shareWorkflow: call<[id: string, userId: string, role: T.ShareRole], T.Share>({
    bound: 'Workflows.Share',
    http: { method: 'POST', path: (id) => `/workflows/i/${enc(id)}/shares`, body: (_, userId, role) => ({ user_id: userId, role }) },
  }),
  unshareWorkflow: call<[id: string, userId: string], unknown>({
    bound: 'Workflows.Unshare',
    http: { method: 'DELETE', path: (id, userId) => `/workflows/i/${enc(id)}/shares/${enc(userId)}` },
  }),
  workflowShareCandidates: call<[id: string], T.ProfileTile[] | null>({
    bound: 'Workflows.ShareCandidates',
    http: { method: 'GET', path: (id) => `/workflows/i/${enc(id)}/share_candidates` },
  }),
  // The window shows its file dialog; a browser sends the file it was given.
  importWorkflow: call<[file: File | null], T.WorkflowRecord | null>({
    bound: 'Workflows.Import',
    args: () => [],
    http: {
      method: 'POST',
      path: () => '/workflows/import',
      form: (file) => fileForm(file),
    },
  }),
  // The window asks where to save and resolves to the path ("" if cancelled).
  exportWorkflow: call<[id: string], string | null>({
    bound: 'Workflows.Export',
    http: { method: 'GET', path: (id) => `/workflows/i/${enc(id)}/file`, answer: 'link' },
  }),
  // The window shows its image dialog (null if cancelled); a browser sends the file it was given.
  setWorkflowThumbnail: call<[id: string, file: File | null], T.WorkflowRecord | null>({
    bound: 'Workflows.SetThumbnail',
    args: (id) => [id],
    http: {
      method: 'PUT',
      path: (id) => `/workflows/i/${enc(id)}/thumbnail`,
      form: (_, file) => fileForm(file),
    },
  }),
  deleteWorkflowThumbnail: call<[id: string], T.WorkflowRecord>({
    bound: 'Workflows.DeleteThumbnail',
    http: { method: 'DELETE', path: (id) => `/workflows/i/${enc(id)}/thumbnail` },
  }),
  /** The window's thumbnail as a data: URL; <img src={thumbnail_url}> needs none, in the window too. */
  workflowThumbnail: call<[id: string], string>({ bound: 'Workflows.Thumbnail' }),

  // ---- style presets: each profile's, shared as workflows are
  listStylePresets: call<[], T.StylePreset[] | null>({ bound: 'StylePresets.List', http: { method: 'GET', path: () => '/style_presets/' } }),
  getStylePreset: call<[id: string], T.StylePreset>({ bound: 'StylePresets.Get', http: { method: 'GET', path: (id) => `/style_presets/i/${enc(id)}` } }),
  createStylePreset: call<[input: T.StylePresetInput, image: PresetImageArg], T.StylePreset>({
    bound: 'StylePresets.Create',
    args: (input, image) => [input, windowImage(image)],
    http: { method: 'POST', path: () => '/style_presets/', form: (input, image) => presetForm(input, image) },
  }),
  updateStylePreset: call<[id: string, input: T.StylePresetInput, image: PresetImageArg], T.StylePreset>({
    bound: 'StylePresets.Update',
    args: (id, input, image) => [id, input, windowImage(image)],
    http: { method: 'PATCH', path: (id) => `/style_presets/i/${enc(id)}`, form: (_, input, image) => presetForm(input, image) },
  }),
  deleteStylePreset: call<[id: string], unknown>({ bound: 'StylePresets.Delete', http: { method: 'DELETE', path: (id) => `/style_presets/i/${enc(id)}` } }),
  copyStylePreset: call<[id: string], T.StylePreset>({ bound: 'StylePresets.Copy', http: { method: 'POST', path: (id) => `/style_presets/i/${enc(id)}/copy` } }),
  /** What a prompt and a negative prompt become with a preset (app.ExpandTemplate, the one rule). */
  expandStylePreset: call<[id: string, prompt: string, negative: string], T.PresetData>({
    bound: 'StylePresets.Expand',
    http: { method: 'POST', path: (id) => `/style_presets/i/${enc(id)}/expand`, body: (_, prompt, negative) => ({ prompt, negative_prompt: negative }) },
  }),
  /** The window's image dialog: the path picked, "" if cancelled. A browser uses <input type=file>. */
  pickStylePresetImage: call<[], string>({ bound: 'StylePresets.PickImage' }),
  /** The window's preview as a data: URL; a browser shows StylePreset.image itself. */
  stylePresetPreview: call<[id: string], string>({ bound: 'StylePresets.Preview' }),
  // The window asks where to save and resolves to the path ("" if cancelled); a browser downloads the file.
  exportStylePresets: call<[], string | null>({
    bound: 'StylePresets.Export',
    http: { method: 'GET', path: () => '/style_presets/export', answer: 'link' },
  }),
  importStylePresets: call<[file: File, text: string], T.StylePreset[] | null>({
    bound: 'StylePresets.Import',
    args: (file, text) => [file.name, text],
    http: {
      method: 'POST',
      path: () => '/style_presets/import',
      form: (file) => {
        const form = new FormData();
        form.append('file', file, file.name);
        return form;
      },
    },
  }),
  stylePresetShares: call<[id: string], T.Share[] | null>({
    bound: 'StylePresets.Shares',
    http: { method: 'GET', path: (id) => `/style_presets/i/${enc(id)}/shares` },
  }),
  shareStylePreset: call<[id: string, userId: string, role: T.ShareRole], T.Share>({
    bound: 'StylePresets.Share',
    http: { method: 'POST', path: (id) => `/style_presets/i/${enc(id)}/shares`, body: (_, userId, role) => ({ user_id: userId, role }) },
  }),
  unshareStylePreset: call<[id: string, userId: string], unknown>({
    bound: 'StylePresets.Unshare',
    http: { method: 'DELETE', path: (id, userId) => `/style_presets/i/${enc(id)}/shares/${enc(userId)}` },
  }),
  stylePresetShareCandidates: call<[id: string], T.ProfileTile[] | null>({
    bound: 'StylePresets.ShareCandidates',
    http: { method: 'GET', path: (id) => `/style_presets/i/${enc(id)}/share_candidates` },
  }),

  enqueue: call<[batch: T.Batch, priority: number], T.EnqueueResult>({
    bound: 'Queue.Enqueue',
    http: { method: 'POST', path: () => `${QUEUE}/enqueue_batch`, body: (batch, priority) => ({ batch, priority }) },
  }),
  listQueue: call<[], T.QueueItem[] | null>({ bound: 'Queue.List', http: { method: 'GET', path: () => `${QUEUE}/list_all` } }),
  queueStatus: call<[], T.QueueStatusReport>({ bound: 'Queue.Status', http: { method: 'GET', path: () => `${QUEUE}/status` } }),
  getQueueItem: call<[id: number], T.QueueItem>({ bound: 'Queue.Get', http: { method: 'GET', path: (id) => `${QUEUE}/i/${id}` } }),
  cancelQueueItem: call<[id: number], T.QueueItem>({
    bound: 'Queue.Cancel',
    http: { method: 'PUT', path: (id) => `${QUEUE}/i/${id}/cancel` },
  }),
  deleteQueueItem: call<[id: number], unknown>({ bound: 'Queue.Delete', http: { method: 'DELETE', path: (id) => `${QUEUE}/i/${id}` } }),
  retry: call<[ids: number[]], number[] | null>({
    bound: 'Queue.Retry',
    http: { method: 'PUT', path: () => `${QUEUE}/retry_items_by_id`, body: (ids) => ids, reply: (r: RetryReply) => r?.retried_item_ids ?? [] },
  }),
  prune: call<[], number | null>({
    bound: 'Queue.Prune',
    http: { method: 'PUT', path: () => `${QUEUE}/prune`, reply: (r: CountReply) => r?.deleted ?? 0 },
  }),
  clear: call<[], number | null>({
    bound: 'Queue.Clear',
    http: { method: 'PUT', path: () => `${QUEUE}/clear`, reply: (r: CountReply) => r?.deleted ?? 0 },
  }),
  setPaused: call<[paused: boolean], unknown>({
    bound: 'Queue.SetPaused',
    http: { method: 'PUT', path: (paused) => `${QUEUE}/processor/${paused ? 'pause' : 'resume'}` },
  }),
};

/** InvokeAI's numbered page, as `GET /workflows/` answers it. */
interface NumberedPage<I> {
  items: I[] | null;
  page: number;
  pages: number;
  per_page: number;
  total: number;
}

/** A numbered page as the one page type the window's binding returns. */
function libraryPage(p: NumberedPage<T.WorkflowListItem>): T.WorkflowPage {
  return { items: p.items ?? [], offset: p.page * p.per_page, limit: p.per_page, total: p.total, next_cursor: '' };
}

/** A workflow filter as the query of `GET /workflows/` (InvokeAI's names). */
function workflowQuery(f: T.WorkflowFilter): string {
  const q = new URLSearchParams();
  const limit = f.limit || 100;
  q.set('page', String(Math.floor((f.offset ?? 0) / limit)));
  q.set('per_page', String(limit));
  if (f.order_by) q.set('order_by', f.order_by);
  if (f.descending) q.set('direction', 'DESC');
  for (const c of f.categories ?? []) q.append('categories', c);
  for (const t of f.tags ?? []) q.append('tags', t);
  if (f.query) q.set('query', f.query);
  if (f.is_public != null) q.set('is_public', String(f.is_public));
  if (f.has_been_opened != null) q.set('has_been_opened', String(f.has_been_opened));
  if (f.scope) q.set('scope', f.scope);
  return q.toString();
}

/** Addresses the page opens itself rather than calls: images, and the browser's event stream. */
export const urls = {
  /** Authorized by the cookie (browser) or the window's session. */
  thumbnail: (imageName: string) => `/api/v1/images/i/${enc(imageName)}/thumbnail`,
  /** The server-sent queue events (`easel serve` only), authorized by the cookie. */
  queueEvents: `/api/v1${QUEUE}/events`,
};

/**
 * A preset's preview in a create or an update: a file a browser was given,
 * or the path the window's dialog picked; neither, on an update, removes it
 * unless keep says to leave it as it is.
 */
export interface PresetImageArg {
  file?: File | null;
  path?: string;
  keep?: boolean;
}

function windowImage(image: PresetImageArg): T.PresetImageSource {
  return { path: image.path ?? '', keep: image.keep ?? false };
}

/** A form of one file in the field "file" (none: an empty form, which the route refuses in words). */
function fileForm(file: File | null): FormData {
  const form = new FormData();
  if (file) form.append('file', file, file.name);
  return form;
}

/** InvokeAI's form: the preset as the JSON field data, and the image file. */
function presetForm(input: T.StylePresetInput, image: PresetImageArg): FormData {
  const form = new FormData();
  form.append('data', JSON.stringify({ ...input, keep_image: image.keep ?? false }));
  if (image.file) form.append('image', image.file, image.file.name);
  return form;
}
