// Images on boards: listing, starring, moving, deleting, importing and downloading.

import { EVENT_IMPORT_PROGRESS, type Image, type ImagePage, type ImportProgress } from '../types.gen';
import type * as Go from '../types.gen';
import { bulk, type BulkResult } from './bulk';
import { calls, urls } from './calls';
import { onWindowEvent } from './events';
import type { Filled } from './filled';
import { bind, inWindow, invoke, upload } from './transport';

export { UNCATEGORIZED } from '../types.gen';
export type { Image, ImageMetadata, ImagePage, ImageUpdate, ImportProgress, Refusal } from '../types.gen';
export { onFileDrop } from './events';

/** What an import did with each file, its lists never null. */
export type ImportResult = Filled<Go.ImportResult, 'imported' | 'refused'>;

/** One page of a board's images, newest first. boardId UNCATEGORIZED = my images with no board. */
export async function listImages(boardId: string, cursor: string, limit = 100): Promise<Filled<ImagePage, 'items'>> {
  const page = await invoke(calls.listImages, [boardId, cursor, limit]);
  return { ...page, items: page.items ?? [] };
}

export const getImage = bind(calls.getImage);
export const updateImage = bind(calls.updateImage);

export async function deleteImages(names: string[]): Promise<BulkResult> {
  return bulk(await invoke(calls.deleteImages, [names]));
}

export async function starImages(names: string[], starred: boolean): Promise<BulkResult> {
  return bulk(await invoke(calls.starImages, [names, starred]));
}

/** Moves images onto a board (off whichever board they were on). */
export async function addToBoard(boardId: string, names: string[]): Promise<BulkResult> {
  return bulk(await invoke(calls.addToBoard, [boardId, names]));
}

/** Takes images off their boards: they become their owners' uncategorized images. */
export async function removeFromBoard(names: string[]): Promise<BulkResult> {
  return bulk(await invoke(calls.removeFromBoard, [names]));
}

/** Downloads images as a zip: the window's save dialog (returns the path, "" if cancelled), or a browser download. */
export async function downloadImages(names: string[]): Promise<string> {
  return (await invoke(calls.downloadImages, [names])) ?? '';
}

function imported(r: Go.ImportResult | null): ImportResult {
  return { imported: r?.imported ?? [], refused: r?.refused ?? [] };
}

/**
 * Window only: Go opens the native multi-file dialog and imports what the
 * person picks into boardId ("" = uncategorized). Progress arrives through
 * onImportProgress. Nothing picked: an empty result.
 */
export async function importDialog(boardId: string): Promise<ImportResult> {
  return imported(await invoke(calls.importDialog, [boardId]));
}

/** Window only: imports files dropped from the OS, by path. */
export async function importPaths(boardId: string, paths: string[]): Promise<ImportResult> {
  return imported(await invoke(calls.importFiles, [boardId, paths]));
}

/** Window only: calls cb for each import progress event. Returns an unsubscribe function. */
export function onImportProgress(cb: (p: ImportProgress) => void): () => void {
  if (!inWindow) return () => {};
  return onWindowEvent(EVENT_IMPORT_PROGRESS, (payload) => {
    const p = (payload ?? {}) as Partial<ImportProgress>;
    cb({ done: Number(p.done) || 0, total: Number(p.total) || 0, file_name: String(p.file_name ?? '') });
  });
}

/**
 * Browser only: uploads one file into boardId ("" = uncategorized), calling
 * onprogress with the fraction sent (0..1). Resolves with the new image;
 * a refused file rejects with an ApiError carrying the server's reason.
 */
export function uploadImage(boardId: string, file: File, onprogress: (fraction: number) => void): Promise<Image> {
  return upload(calls.upload, [boardId, file], onprogress);
}

/** The thumbnail of an image known only by name (a board's cover). */
export const thumbnailUrl = urls.thumbnail;
