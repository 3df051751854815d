// Profiles, for administrators.

import type { User } from '../types.gen';
import { calls } from './calls';
import { bind, invoke } from './transport';

export type { NewUser, UserUpdate } from '../types.gen';

export async function listUsers(): Promise<User[]> {
  return (await invoke(calls.listUsers, [])) ?? [];
}

export const createUser = bind(calls.createUser);
export const updateUser = bind(calls.updateUser);

export async function deleteUser(userId: string): Promise<void> {
  await invoke(calls.deleteUser, [userId]);
}
