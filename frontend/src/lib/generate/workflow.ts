// Workflows as forms: reading a field's value, building the batch a form
// asks for, and finding the workflow (and its values) a graph came from.

import type { Batch, BatchDatum, FieldValue, Graph, GraphNode, ImageMetadata, Model, Rgba, Workflow, WorkflowField } from '../api';

/** The largest seed the engine takes (InvokeAI's). */
export const SEED_MAX = 2 ** 32 - 1;
export const MAX_RUNS = 100;

/** A form's values, by fieldKey. */
export type Values = Record<string, unknown>;

export function fieldKey(f: { node_id: string; field: string }): string {
  return `${f.node_id}.${f.field}`;
}

/** The form fields, without the board (the target board has its own control). */
export function formFields(wf: Workflow): WorkflowField[] {
  return wf.fields.filter((f) => f.kind !== 'board');
}

export function boardField(wf: Workflow): WorkflowField | undefined {
  return wf.fields.find((f) => f.kind === 'board');
}

/** The field a "random" toggle goes with: the workflow's seed, if it has one. */
export function seedField(wf: Workflow): WorkflowField | undefined {
  return wf.fields.find((f) => f.field === 'seed' && f.kind === 'int');
}

/** The prompt field, if any. */
export function promptField(wf: Workflow): WorkflowField | undefined {
  return wf.fields.find((f) => f.field === 'prompt' && f.kind === 'string');
}

/**
 * The negative prompt field, if any: a style preset's negative template
 * goes there. The prompt's own node's, when it has one.
 */
export function negativePromptField(wf: Workflow): WorkflowField | undefined {
  const all = wf.fields.filter((f) => f.field === 'negative_prompt' && f.kind === 'string');
  const prompt = promptField(wf);
  return all.find((f) => f.node_id === prompt?.node_id) ?? all[0];
}

/** The fields that name a model to draw with (txt2img's and img2img's model). */
export function modelFields(wf: Workflow): WorkflowField[] {
  return wf.fields.filter((f) => f.kind === 'model');
}

/** Whether the workflow draws with a model: it needs an image-generation server one may use. */
export function needsModel(wf: Workflow): boolean {
  return modelFields(wf).length > 0;
}

/**
 * The values with every model field naming one of models: a model one may
 * not use (or none yet) becomes the first of them. Unchanged when there are none.
 */
export function withModels(wf: Workflow, values: Values, models: Model[]): Values {
  if (!models.length) return values;
  const out = { ...values };
  for (const f of modelFields(wf)) {
    const k = fieldKey(f);
    if (!models.some((m) => m.id === out[k])) out[k] = models[0].id;
  }
  return out;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** A field's starting value: the workflow graph's, else the spec's default, else empty. */
export function initialValue(wf: Workflow, f: WorkflowField): unknown {
  const v = wf.graph.nodes[f.node_id]?.[f.field];
  if (v !== undefined && v !== null) return clone(v);
  if (f.default !== undefined && f.default !== null) return clone(f.default);
  switch (f.kind) {
    case 'int':
    case 'float':
      return f.min ?? 0;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'color':
      return { r: 0, g: 0, b: 0, a: 255 };
    case 'enum':
      return f.choices?.[0] ?? '';
    case 'model':
      return ''; // one of the models the person may use, once they are known (withModels)
    default:
      return null; // image, board: nothing chosen
  }
}

export function initialValues(wf: Workflow): Values {
  const out: Values = {};
  for (const f of formFields(wf)) out[fieldKey(f)] = initialValue(wf, f);
  return out;
}

export function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0];
}

/** n different random seeds. */
export function randomSeeds(n: number): number[] {
  const seen = new Set<number>();
  while (seen.size < n) seen.add(randomSeed());
  return [...seen];
}

// ---- colours ------------------------------------------------------------------

const hex2 = (n: number) => Math.max(0, Math.min(255, Math.round(n))).toString(16).padStart(2, '0');

/** A colour value (object or "#rrggbb[aa]") as an object. */
export function toRgba(v: unknown): Rgba {
  if (typeof v === 'string') {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})?$/i.exec(v.trim());
    if (m) return { r: parseInt(m[1], 16), g: parseInt(m[2], 16), b: parseInt(m[3], 16), a: m[4] ? parseInt(m[4], 16) : 255 };
  }
  if (v && typeof v === 'object') {
    const c = v as Partial<Rgba>;
    return { r: Number(c.r) || 0, g: Number(c.g) || 0, b: Number(c.b) || 0, a: c.a === undefined ? 255 : Number(c.a) };
  }
  return { r: 0, g: 0, b: 0, a: 255 };
}

/** "#rrggbb" for <input type="color"> (which has no alpha). */
export function toHex(v: unknown): string {
  const c = toRgba(v);
  return `#${hex2(c.r)}${hex2(c.g)}${hex2(c.b)}`;
}

/** A picked "#rrggbb", keeping the old value's alpha. */
export function fromHex(hex: string, old: unknown): Rgba {
  const c = toRgba(hex);
  return { r: c.r, g: c.g, b: c.b, a: toRgba(old).a ?? 255 };
}

// ---- checking and building ------------------------------------------------------

/** Where a batch's images go. */
export type Target = { kind: 'none' } | { kind: 'board'; boardId: string } | { kind: 'new'; name: string };

export interface Problem {
  key: string;
  message: string;
}

/** What the form must fix before it may be sent (the server checks again, fully). */
export function check(wf: Workflow, values: Values, runs: number, randomSeed: boolean): Problem[] {
  const out: Problem[] = [];
  const seed = seedField(wf);
  for (const f of formFields(wf)) {
    const key = fieldKey(f);
    const v = values[key];
    if (seed && f === seed && randomSeed) continue;
    switch (f.kind) {
      case 'int':
      case 'float': {
        const n = typeof v === 'number' ? v : Number.NaN;
        if (!Number.isFinite(n)) out.push({ key, message: `${f.label}: enter a number.` });
        else if (f.kind === 'int' && !Number.isInteger(n)) out.push({ key, message: `${f.label}: enter a whole number.` });
        else if (f.min !== undefined && n < f.min) out.push({ key, message: `${f.label}: at least ${f.min}.` });
        else if (f.max !== undefined && n > f.max) out.push({ key, message: `${f.label}: at most ${f.max}.` });
        break;
      }
      case 'string':
        if (f.required && !String(v ?? '').trim()) out.push({ key, message: `${f.label}: this cannot be empty.` });
        else if (f.max_length && new TextEncoder().encode(String(v ?? '')).length > f.max_length)
          out.push({ key, message: `${f.label}: at most ${f.max_length} characters.` });
        break;
      case 'image':
        if (f.required && !imageNameOf(v)) out.push({ key, message: `${f.label}: choose an image.` });
        break;
      case 'model':
        if (f.required && !String(v ?? '')) out.push({ key, message: `${f.label}: choose a model.` });
        break;
    }
  }
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) out.push({ key: 'runs', message: `How many: 1 to ${MAX_RUNS}.` });
  return out;
}

export function imageNameOf(v: unknown): string {
  return v && typeof v === 'object' && typeof (v as { image_name?: unknown }).image_name === 'string'
    ? (v as { image_name: string }).image_name
    : '';
}

/**
 * The batch a form asks for: the workflow's graph with the values set, the
 * target board on its save node, and — for a random seed over several runs —
 * one random seed per item as batch data, so each image differs.
 */
export function buildBatch(wf: Workflow, values: Values, opts: { runs: number; randomSeed: boolean; target: Target }): Batch {
  const graph = graphWithValues(wf, values);
  const bf = boardField(wf);
  const save = bf ? graph.nodes[bf.node_id] : undefined;
  if (save && bf) {
    delete save[bf.field];
    delete save.board_name;
    if (opts.target.kind === 'board') save[bf.field] = { board_id: opts.target.boardId };
    else if (opts.target.kind === 'new') save.board_name = opts.target.name.trim();
  }

  const seed = seedField(wf);
  let runs = opts.runs;
  let data: BatchDatum[][] | undefined;
  if (seed && opts.randomSeed && graph.nodes[seed.node_id]) {
    const seeds = randomSeeds(runs);
    graph.nodes[seed.node_id][seed.field] = seeds[0];
    if (runs > 1) {
      data = [[{ node_path: seed.node_id, field_name: seed.field, items: seeds }]];
      runs = 1;
    }
  }
  // The workflow it runs: the library gives it its first finished run's
  // picture as a thumbnail, when the person may change the workflow.
  const batch: Batch = { graph, runs, origin: 'generate', workflow_id: wf.id || undefined };
  return data ? { ...batch, data } : batch;
}

/** The workflow's graph with the form's values set into it (an unset value, or no image chosen, left out). */
export function graphWithValues(wf: Workflow, values: Values): Graph {
  const graph = clone(wf.graph);
  for (const f of formFields(wf)) {
    const node = graph.nodes[f.node_id];
    if (!node) continue;
    const v = values[fieldKey(f)];
    if (v === undefined || v === null || (f.kind === 'image' && !imageNameOf(v))) delete node[f.field];
    else node[f.field] = clone(v);
  }
  return graph;
}

/**
 * The document "Save as workflow" keeps: the form's workflow with its
 * values set into the graph, under a new name. A chosen image and the
 * target board are left out: they are the maker's, and whoever opens the
 * workflow picks their own.
 */
export function workflowDocument(wf: Workflow, values: Values, about: { name: string; description: string; tags: string; author: string }): Workflow {
  const graph = graphWithValues(wf, values);
  for (const f of wf.fields) {
    const node = graph.nodes[f.node_id];
    if (!node || (f.kind !== 'image' && f.kind !== 'board')) continue;
    delete node[f.field];
    if (f.kind === 'board') delete node.board_name;
  }
  return {
    ...clone(wf),
    id: '',
    name: about.name,
    description: about.description,
    tags: about.tags,
    author: about.author,
    meta: { ...wf.meta, category: 'user' },
    graph,
  };
}

/**
 * A workflow from the Library as Generate shows it. The Library answers
 * each field with its spec (kind, bounds, choices, default) from its
 * node's type; only a list that is null becomes [].
 */
export function fromLibrary(doc: Omit<Workflow, 'fields'> & { fields: WorkflowField[] | null }): Workflow {
  return { ...doc, fields: doc.fields ?? [] };
}

/** The node and field a server error names ('Node "art" (prompt_art): field "prompt" …'), as a fieldKey. */
export function keyFromError(detail: string): string {
  const node = /Node "([^"]+)"/.exec(detail)?.[1];
  const field = /field "([^"]+)"/.exec(detail)?.[1];
  return node && field ? `${node}.${field}` : '';
}

// ---- from a graph back to a workflow -----------------------------------------------

function typesOf(g: Graph): string {
  return Object.values(g.nodes ?? {})
    .map((n) => String(n?.type ?? ''))
    .sort()
    .join(',');
}

/** The workflow whose graph has the same node types as g, if any. */
export function matchWorkflow(workflows: Workflow[], g: Graph | null | undefined): Workflow | undefined {
  if (!g?.nodes) return undefined;
  const t = typesOf(g);
  return workflows.find((w) => typesOf(w.graph) === t);
}

/** The node of g that plays the part of the workflow's node id: the same id and type, else the only node of that type. */
function counterpart(wf: Workflow, g: Graph, nodeId: string): GraphNode | undefined {
  const type = wf.graph.nodes[nodeId]?.type;
  const same = g.nodes[nodeId];
  if (same && same.type === type) return same;
  const all = Object.values(g.nodes).filter((n) => n?.type === type);
  return all.length === 1 ? all[0] : undefined;
}

/** Batch values substituted into a graph (an item's field_values over its batch graph). */
export function withValues(g: Graph, values: FieldValue[] | null | undefined): Graph {
  if (!values?.length) return g;
  const out = clone(g);
  for (const v of values) if (out.nodes[v.node_path]) out.nodes[v.node_path][v.field_name] = clone(v.value);
  return out;
}

/** What the form shows for a graph that ran: the workflow's fields read back from it. */
export function valuesFromGraph(wf: Workflow, g: Graph): Values {
  const out = initialValues(wf);
  for (const f of formFields(wf)) {
    const v = counterpart(wf, g, f.node_id)?.[f.field];
    if (v !== undefined && v !== null) out[fieldKey(f)] = clone(v);
  }
  return out;
}

/** Where a graph saved its images: a board id, a new board's name, or nowhere in particular. */
export function targetFromGraph(wf: Workflow, g: Graph): Target {
  const bf = boardField(wf);
  const save = bf ? counterpart(wf, g, bf.node_id) : undefined;
  if (!save || !bf) return { kind: 'none' };
  const b = save[bf.field] as { board_id?: unknown } | undefined;
  if (b && typeof b.board_id === 'string' && b.board_id && b.board_id !== 'none') return { kind: 'board', boardId: b.board_id };
  if (typeof save.board_name === 'string' && save.board_name.trim()) return { kind: 'new', name: save.board_name };
  return { kind: 'none' };
}

/** One more thing a rendered image records of how it was made, in words. */
export interface Detail {
  key: keyof ImageMetadata;
  label: string;
  value: string;
}

/** The settings shown for a rendered image: what ran, with which prompt, seed and size, and what drew it. */
export interface Settings {
  workflow?: Workflow;
  prompt: string;
  seed: number | null;
  width: number;
  height: number;
  /** What a txt2img or img2img node recorded besides: the model, the negative prompt, the steps… (those it has). */
  details: Detail[];
}

/** What a generation node records and the viewer shows, in order, with its labels. */
const detailLabels: [keyof ImageMetadata, string][] = [
  ['negative_prompt', 'Negative prompt'],
  ['model', 'Model'],
  ['backend', 'Backend'],
  ['steps', 'Steps'],
  ['cfg_scale', 'CFG scale'],
  ['sampler', 'Sampler'],
  ['strength', 'Strength'],
];

export function detailsOf(meta: ImageMetadata): Detail[] {
  const out: Detail[] = [];
  for (const [key, label] of detailLabels) {
    const v = meta[key];
    if ((typeof v === 'string' && v.trim()) || (typeof v === 'number' && Number.isFinite(v))) out.push({ key, label, value: String(v) });
  }
  return out;
}

export function settingsOf(meta: ImageMetadata | null | undefined, workflows: Workflow[], size: { width: number; height: number }): Settings | null {
  if (!meta || typeof meta !== 'object' || !meta.graph?.nodes) return null;
  return {
    workflow: matchWorkflow(workflows, meta.graph),
    prompt: typeof meta.prompt === 'string' ? meta.prompt : '',
    seed: typeof meta.seed === 'number' ? meta.seed : null,
    width: meta.width || size.width,
    height: meta.height || size.height,
    details: detailsOf(meta),
  };
}

/** A queue item's title and details, from its graph and values. */
export function describe(workflows: Workflow[], g: Graph | null | undefined, values: FieldValue[] | null | undefined): { title: string; detail: string } {
  if (!g?.nodes) return { title: 'Render', detail: '' };
  const full = withValues(g, values);
  const wf = matchWorkflow(workflows, full);
  const parts: string[] = [];
  const nodes = Object.values(full.nodes);
  const art = nodes.find((n) => typeof n.prompt === 'string');
  if (art) parts.push(`“${clip(String(art.prompt), 80)}”`);
  const seeded = nodes.find((n) => typeof n.seed === 'number');
  if (seeded) parts.push(`seed ${seeded.seed}`);
  const sized = nodes.find((n) => typeof n.width === 'number' && typeof n.height === 'number' && n.type !== 'save_image');
  if (sized) parts.push(`${sized.width} × ${sized.height}`);
  return { title: wf?.name ?? 'Custom graph', detail: parts.join(' · ') };
}

function clip(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
