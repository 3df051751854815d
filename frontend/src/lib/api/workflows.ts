// The built-in workflows the Generate panel offers, and the graphs they are made of.

import type * as Go from '../types.gen';
import { calls } from './calls';
import type { Filled } from './filled';
import { bind, invoke } from './transport';

export type { EdgeEnd, FieldKind, FieldSpec, Graph, GraphEdge, GraphNode, WorkflowField } from '../types.gen';

/** A built-in workflow: a graph and the fields of it a form shows (never null). */
export type Workflow = Filled<Go.Workflow, 'fields'>;

/**
 * A colour field's value as the engine reads it (app/engine's parseColor,
 * from a map): each channel 0-255, alpha optional. Go has no type for it.
 */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a?: number;
}

export async function listWorkflows(): Promise<Workflow[]> {
  const ws = (await invoke(calls.workflows, [])) ?? [];
  return ws.map((w) => ({ ...w, fields: w.fields ?? [] }));
}

// ---- the workflow library: each profile's, shared as boards are

export type { WorkflowCategory, WorkflowFilter, WorkflowListItem, WorkflowOrder, WorkflowRecord, WorkflowScope } from '../types.gen';

/** A page of the workflows a filter selects (items never null). */
export async function listLibrary(f: Go.WorkflowFilter): Promise<Filled<Go.WorkflowPage, 'items'>> {
  const page = await invoke(calls.listLibrary, [f]);
  return { ...page, items: page.items ?? [] };
}

export const getLibraryWorkflow = bind(calls.getLibraryWorkflow);
/** Keeps a workflow document as the caller's: private, category "user". */
export const saveWorkflow = bind(calls.createLibraryWorkflow);
export const updateWorkflow = bind(calls.updateLibraryWorkflow);
/** Shares it with everyone (InvokeAI's is_public), or makes it private again. */
export const setWorkflowPublic = bind(calls.setWorkflowPublic);
/** "Save as mine": a private copy the caller owns. */
export const copyWorkflow = bind(calls.copyLibraryWorkflow);
/** Marks it opened, for the caller's "Recently opened". */
export const markWorkflowOpened = bind(calls.markWorkflowOpened);
export const shareWorkflow = bind(calls.shareWorkflow);

export async function deleteWorkflow(id: string): Promise<void> {
  await invoke(calls.deleteLibraryWorkflow, [id]);
}

export async function workflowTags(f: Go.WorkflowFilter): Promise<string[]> {
  return (await invoke(calls.workflowTags, [f])) ?? [];
}

export async function workflowShares(id: string): Promise<Go.Share[]> {
  return (await invoke(calls.workflowShares, [id])) ?? [];
}

export async function unshareWorkflow(id: string, userId: string): Promise<void> {
  await invoke(calls.unshareWorkflow, [id, userId]);
}

export async function workflowShareCandidates(id: string): Promise<Go.ProfileTile[]> {
  return (await invoke(calls.workflowShareCandidates, [id])) ?? [];
}

/**
 * Imports a workflow file (Easel's or InvokeAI's). The window shows its
 * file dialog and resolves to null if cancelled; a browser sends file.
 */
export async function importWorkflow(file: File | null): Promise<Go.WorkflowRecord | null> {
  return invoke(calls.importWorkflow, [file]);
}

/** Exports a workflow as a file: the window asks where and returns the path; a browser downloads it. */
export async function exportWorkflow(id: string): Promise<string> {
  return (await invoke(calls.exportWorkflow, [id])) ?? '';
}

/**
 * Makes an image the workflow's thumbnail (at most 256 px a side). The
 * window shows its image dialog and resolves to null if cancelled; a
 * browser sends file. Without one, the workflow's first finished run gives
 * it its thumbnail.
 */
export async function setWorkflowThumbnail(id: string, file: File | null): Promise<Go.WorkflowRecord | null> {
  return invoke(calls.setWorkflowThumbnail, [id, file]);
}

export const deleteWorkflowThumbnail = bind(calls.deleteWorkflowThumbnail);
/** The window's thumbnail as a data: URL; a page shows thumbnail_url itself, in the window too. */
export const workflowThumbnail = bind(calls.workflowThumbnail);
