// Image generation: the servers ("backends") an administrator sets up, the
// models they offer, and who may use each model. Everyone signed in may
// list the models they may use; the rest is for administrators.

import type * as Go from '../types.gen';
import { calls } from './calls';
import type { Filled } from './filled';
import { bind, inWindow, invoke } from './transport';

export type { Backend, BackendKind, BackendState, Model, ModelAccess, ProgressImage } from '../types.gen';

/** A backend with what Easel knows of it now (models and samplers never null). */
export type BackendStatus = Filled<Go.BackendStatus, 'models' | 'samplers'>;

/** A model grant whose list of profiles is never null. */
export type ModelGrant = Omit<Go.ModelGrant, 'access'> & { access: Filled<Go.ModelAccess, 'user_ids'> };

function filledStatus(s: Go.BackendStatus): BackendStatus {
  return { ...s, models: s.models ?? [], samplers: s.samplers ?? [] };
}

/** Every backend with its status. */
export async function listBackends(): Promise<BackendStatus[]> {
  return ((await invoke(calls.backends, [])) ?? []).map(filledStatus);
}

/** Replaces the backends Settings keeps with these (send the whole list); answers every backend's status. */
export async function setBackends(backends: Go.Backend[]): Promise<BackendStatus[]> {
  return ((await invoke(calls.setBackends, [backends])) ?? []).map(filledStatus);
}

/** Asks a backend afresh for its models and samplers. */
export async function testBackend(name: string): Promise<BackendStatus> {
  return filledStatus(await invoke(calls.testBackend, [name]));
}

/** The models the caller may use, from the backends that answer now. */
export async function listModels(): Promise<Go.Model[]> {
  return (await invoke(calls.models, [])) ?? [];
}

/** Every model offered or given, with who may use it. */
export async function listModelGrants(): Promise<ModelGrant[]> {
  return ((await invoke(calls.modelGrants, [])) ?? []).map((g) => ({ ...g, access: { ...g.access, user_ids: g.access.user_ids ?? [] } }));
}

/** Chooses who may use a model: everyone, the profiles named, or (neither) administrators only. */
export const setModelAccess = bind(calls.setModelAccess);

/** The backend a status describes, as Settings sends it back. */
export function backendOf(s: Go.BackendStatus): Go.Backend {
  const { name, kind, url, remote, executable, model_file, from_command_line } = s;
  return { name, kind, url, remote, executable, model_file, from_command_line };
}

/** The window has file dialogs for the sd-server program and its model; a browser types full paths. */
export const canChooseFiles = inWindow;
/** The window's dialog for the sd-server program: its path, "" if cancelled. */
export const chooseProgram = bind(calls.chooseProgram);
/** The window's dialog for a model file: its path, "" if cancelled. */
export const chooseModelFile = bind(calls.chooseModelFile);
