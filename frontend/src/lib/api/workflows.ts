// The built-in workflows the Generate panel offers, and the graphs they are made of.

import type * as Go from '../types.gen';
import { calls } from './calls';
import type { Filled } from './filled';
import { invoke } from './transport';

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
