// The Generate form's state. It lives in the Shell, so the form keeps what
// one typed while looking at the gallery or the queue.

import { listModels, listWorkflows, type Board, type ImageMetadata, type Model, type Workflow, type WorkflowRecord } from '../api';
import { errorText, isSessionEnd } from '../errors';
import {
  fromLibrary,
  initialValues,
  matchWorkflow,
  needsModel,
  seedField,
  targetFromGraph,
  valuesFromGraph,
  withModels,
  withValues,
  type Target,
  type Values,
} from './workflow';

/** The board select's value for "New board…". */
export const NEW_BOARD = '__new__';

export class GenerateState {
  workflows = $state.raw<Workflow[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state('');

  workflowId = $state('');
  /** Each workflow's values, so switching back and forth keeps them. */
  values = $state<Record<string, Values>>({});
  randomSeed = $state(true);
  runs = $state(1);
  /** "" uncategorized, NEW_BOARD, or a board id. */
  board = $state('');
  newBoardName = $state('');
  /** A board just asked for by name: the select switches to it once it exists. */
  madeBoardName = $state('');
  /** The style preset picked for the prompt (its id), "" for none: the prompt is queued as it expands. */
  preset = $state('');
  /** Bumped when settings are loaded from an image, so the form can say so. */
  prefilledFrom = $state('');

  /** The models the person may use (Generate asks again each time it opens). */
  models = $state.raw<Model[]>([]);
  modelsLoaded = $state(false);
  modelsError = $state('');

  /** Workflows opened from the Library: each replaces the built-in of its id, or joins the list. */
  opened = $state.raw<Workflow[]>([]);
  /**
   * What the workflow select offers: the built-in ones, then those opened
   * from the Library; those that draw with a model only to someone who may use one.
   */
  choices = $derived(
    [...this.workflows.map((w) => this.opened.find((o) => o.id === w.id) ?? w), ...this.opened.filter((o) => !this.workflows.some((w) => w.id === o.id))].filter(
      (w) => this.models.length > 0 || !needsModel(w),
    ),
  );
  workflow = $derived(this.choices.find((w) => w.id === this.workflowId));
  current = $derived(this.values[this.workflowId] ?? {});

  private waiting: { meta: ImageMetadata; label: string; addable: () => Board[] } | null = null;
  /** A workflow opened from the Library before the built-in ones had loaded. */
  private toOpen: NonNullable<WorkflowRecord['workflow']> | null = null;

  async load(): Promise<void> {
    if (this.loading || this.loaded) return;
    this.loading = true;
    try {
      const ws = await listWorkflows();
      this.workflows = ws;
      this.error = '';
      this.loaded = true;
      if (!this.workflowId && ws.length) this.select(ws[0].id);
      if (this.toOpen) {
        const doc = this.toOpen;
        this.toOpen = null;
        this.open(doc);
      }
      if (this.waiting) {
        const { meta, label, addable } = this.waiting;
        this.waiting = null;
        this.prefill(meta, label, addable);
      }
    } catch (err) {
      if (!isSessionEnd(err)) this.error = errorText(err);
    } finally {
      this.loading = false;
    }
  }

  /** Asks for the models the person may use, and points every model field at one of them. */
  async loadModels(): Promise<void> {
    try {
      this.models = await listModels();
      this.modelsError = '';
      this.modelsLoaded = true;
      for (const wf of this.choices) if (this.values[wf.id]) this.values[wf.id] = withModels(wf, this.values[wf.id], this.models);
    } catch (err) {
      if (!isSessionEnd(err)) this.modelsError = errorText(err);
    }
  }

  select(id: string): void {
    const wf = this.choices.find((w) => w.id === id);
    if (!wf) return;
    this.workflowId = id;
    if (!this.values[id]) this.values[id] = this.startingValues(wf);
  }

  /** A workflow's values as it ships, with the first model one may use. */
  private startingValues(wf: Workflow): Values {
    return withModels(wf, initialValues(wf), this.models);
  }

  /**
   * Makes a workflow from the Library the current one, its fields as it
   * was saved (the values typed into it before are dropped).
   */
  open(doc: NonNullable<WorkflowRecord['workflow']>): void {
    if (!this.loaded) {
      this.toOpen = doc;
      return;
    }
    const wf = fromLibrary(doc);
    this.opened = [...this.opened.filter((o) => o.id !== wf.id), wf];
    this.workflowId = wf.id;
    this.values[wf.id] = this.startingValues(wf);
    this.randomSeed = true;
    this.prefilledFrom = '';
  }

  set(key: string, v: unknown): void {
    if (!this.values[this.workflowId]) return;
    this.values[this.workflowId][key] = v;
  }

  /** Once the board asked for by name exists (the first image made it), picks it in the select. */
  adoptMadeBoard(addable: Board[]): void {
    const name = this.madeBoardName.trim().toLowerCase();
    if (!name || this.board !== NEW_BOARD || this.newBoardName.trim().toLowerCase() !== name) return;
    const b = addable.find((x) => x.my_role === 'owner' && x.board_name.trim().toLowerCase() === name);
    if (!b) return;
    this.board = b.board_id;
    this.newBoardName = '';
    this.madeBoardName = '';
  }

  /** Puts the workflow back as it ships. */
  reset(): void {
    const wf = this.workflow;
    if (wf) this.values[wf.id] = this.startingValues(wf);
    this.randomSeed = true;
    this.prefilledFrom = '';
  }

  /**
   * Loads a rendered image's settings: the workflow whose graph it ran, with
   * the values it ran with, its seed (fixed, so the same picture comes back)
   * and its board. Returns false when no built-in workflow matches.
   */
  prefill(meta: ImageMetadata, label: string, addable: () => Board[]): boolean {
    if (!this.loaded) {
      this.waiting = { meta, label, addable };
      return true;
    }
    const g = meta.graph;
    const wf = matchWorkflow(this.workflows, g);
    if (!wf || !g) return false;
    const full = withValues(g, null);
    this.workflowId = wf.id;
    this.values[wf.id] = withModels(wf, valuesFromGraph(wf, full), this.models);
    this.randomSeed = !seedField(wf);
    this.runs = 1;
    this.preset = ''; // its prompt is the one that was queued, any preset already in it
    this.applyTarget(targetFromGraph(wf, full), addable());
    this.prefilledFrom = label;
    return true;
  }

  /** A board one may still add to; a board made by name is, by now, usually one of one's own. */
  private applyTarget(t: Target, addable: Board[]): void {
    if (t.kind === 'board' && addable.some((b) => b.board_id === t.boardId)) {
      this.board = t.boardId;
    } else if (t.kind === 'new') {
      const name = t.name.trim().toLowerCase();
      const mine = addable.find((b) => b.my_role === 'owner' && b.board_name.trim().toLowerCase() === name);
      if (mine) this.board = mine.board_id;
      else {
        this.board = NEW_BOARD;
        this.newBoardName = t.name;
      }
    } else this.board = '';
  }
}
