// Setup, signing in and out, the window's lock, and the signed-in user's own profile.

import { EVENT_LOCKED, type LockedEvent, type ProfileTile, type User } from '../types.gen';
import { calls } from './calls';
import { onWindowEvent } from './events';
import { ApiError, bind, forgetToken, hasToken, inWindow, invoke } from './transport';

export type { AuthStatus, Credentials, LockedEvent, Preferences, ProfileTile, ProfileUpdate, User } from '../types.gen';
export type { LoginRequest, SetupRequest } from './calls';

/** Whether the first administrator still has to be created. Public. */
export const getStatus = bind(calls.status);

/** Creates the first administrator. Public, works once. Does not sign in. */
export const setupAdmin = bind(calls.setup);

/** The profiles shown as tiles on the window's login screen. Window only: [] in a browser. */
export async function getProfileTiles(): Promise<ProfileTile[]> {
  if (!inWindow) return [];
  return (await invoke(calls.profileTiles, [])) ?? [];
}

/** Signs in: by user_id in the window, by email in a browser. */
export const login = bind(calls.login);

/**
 * The signed-in user if the window still holds a session (after a reload of
 * the page, or a remembered session), else null. Never reports "signed out".
 * A browser page without a token has none to resume: it ends the cookie's.
 */
export async function resumeSession(): Promise<User | null> {
  if (!inWindow && !hasToken()) {
    await endCookieSession();
    return null;
  }
  try {
    return await invoke(calls.me, [], { quiet: true });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      forgetToken();
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
    await invoke(calls.logout, []);
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
    await invoke(calls.logout, []);
  } finally {
    forgetToken();
  }
}

/** Locks the window (ends the session, keeps the profile preselected). In a browser: logout. */
export async function lock(): Promise<void> {
  if (!inWindow) return logout();
  await invoke(calls.lock, []);
}

export const getMe = bind(calls.me);
export const updateMe = bind(calls.updateMe);
export const getPreferences = bind(calls.preferences);
export const setPreferences = bind(calls.setPreferences);

/** Tells the window the user is active (resets the idle lock). A no-op in a browser. */
export async function touch(): Promise<void> {
  if (inWindow) await invoke(calls.touch, []);
}

/**
 * Calls cb with a sentence such as "Locked after 15 minutes without activity."
 * when the window's idle lock fires. A no-op in the browser. Returns an
 * unsubscribe function.
 */
export function onLocked(cb: (reason: string) => void): () => void {
  return onWindowEvent(EVENT_LOCKED, (payload) => {
    forgetToken();
    const reason = (payload as Partial<LockedEvent> | null)?.reason;
    cb(typeof reason === 'string' ? reason : '');
  });
}
