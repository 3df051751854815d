// Who may use a model, as Settings' choice shows it and as the service keeps it.

import type { ModelAccess, User } from '../api';

/** The three answers to "who may use it". */
export type Who = 'admins' | 'everyone' | 'chosen';

export const whoLabel: Record<Who, string> = {
  admins: 'Administrators only',
  everyone: 'Everyone',
  chosen: 'Chosen profiles',
};

/** A row's choice: who, and the profiles ticked for "chosen". */
export interface Choice {
  who: Who;
  userIds: string[];
}

export function choiceOf(a: ModelAccess): Choice {
  const ids = a.user_ids ?? [];
  return { who: a.everyone ? 'everyone' : ids.length ? 'chosen' : 'admins', userIds: [...ids] };
}

export function accessOf(model: string, c: Choice): ModelAccess {
  return { model, everyone: c.who === 'everyone', user_ids: c.who === 'chosen' ? [...c.userIds].sort() : [] };
}

export function sameChoice(a: Choice, b: Choice): boolean {
  if (a.who !== b.who) return false;
  return a.who !== 'chosen' || [...a.userIds].sort().join() === [...b.userIds].sort().join();
}

/** "everyone", "administrators and Ann Weaver", "only administrators": who may use it, in words. */
export function whoMay(a: ModelAccess, people: User[]): string {
  if (a.everyone) return 'everyone';
  const names = (a.user_ids ?? []).map((id) => people.find((u) => u.user_id === id)?.display_name ?? 'a removed profile');
  if (!names.length) return 'only administrators';
  return `administrators and ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`}`;
}
