// Style presets: each profile's prompt templates with a {prompt}
// placeholder, shared as workflows are, and the built-in ones everyone sees.

import type * as Go from '../types.gen';
import { calls, type PresetImageArg } from './calls';
import { bind, inWindow, invoke } from './transport';

export type { PresetData, PresetType, StylePreset, StylePresetInput } from '../types.gen';
export type { PresetImageArg } from './calls';

/** Every preset the caller may see, by name (never null). */
export async function listStylePresets(): Promise<Go.StylePreset[]> {
  return (await invoke(calls.listStylePresets, [])) ?? [];
}

export const getStylePreset = bind(calls.getStylePreset);
/** Keeps a new preset as the caller's, private unless is_public says. */
export const createStylePreset = (input: Go.StylePresetInput, image: PresetImageArg = {}) => invoke(calls.createStylePreset, [input, image]);
/** Changes a preset; without an image the preview goes unless image.keep. */
export const updateStylePreset = (id: string, input: Go.StylePresetInput, image: PresetImageArg = { keep: true }) =>
  invoke(calls.updateStylePreset, [id, input, image]);
export const deleteStylePreset = bind(calls.deleteStylePreset);
/** "Save as mine": a private copy of a preset the caller may see. */
export const copyStylePreset = bind(calls.copyStylePreset);
/** What a prompt and a negative prompt become with a preset: what Generate queues. */
export const expandStylePreset = (id: string, prompt: string, negative = '') => invoke(calls.expandStylePreset, [id, prompt, negative]);
/** The window's image dialog ("" if cancelled); only the window has it. */
export const pickStylePresetImage = bind(calls.pickStylePresetImage);

/** What an <img> shows for a preset's preview: null when it has none. */
export async function stylePresetPreview(p: Go.StylePreset): Promise<string | null> {
  if (!p.image) return null;
  return inWindow ? invoke(calls.stylePresetPreview, [p.id]) : p.image;
}

/** Exports the caller's presets as CSV: the window asks where and returns the path ("" if cancelled); a browser downloads it and returns "". */
export async function exportStylePresets(): Promise<string> {
  return (await invoke(calls.exportStylePresets, [])) ?? '';
}

/** Imports a CSV or JSON file: all of its presets, or none with the bad rows named. */
export async function importStylePresets(file: File): Promise<Go.StylePreset[]> {
  const text = inWindow ? await file.text() : '';
  return (await invoke(calls.importStylePresets, [file, text])) ?? [];
}

export async function stylePresetShares(id: string): Promise<Go.Share[]> {
  return (await invoke(calls.stylePresetShares, [id])) ?? [];
}
export const shareStylePreset = bind(calls.shareStylePreset);
export const unshareStylePreset = bind(calls.unshareStylePreset);
export async function stylePresetShareCandidates(id: string): Promise<Go.ProfileTile[]> {
  return (await invoke(calls.stylePresetShareCandidates, [id])) ?? [];
}
