// Boards, and who they are shared with.

import type { Board, ProfileTile, Share } from '../types.gen';
import { bulk, type BulkResult } from './bulk';
import { calls } from './calls';
import { bind, invoke } from './transport';

export type { Board, BoardRole, BoardUpdate, Share, ShareRole, Visibility } from '../types.gen';

/** Every board the caller may see (an admin: everyone's), archived ones too if asked. */
export async function listBoards(includeArchived: boolean): Promise<Board[]> {
  return (await invoke(calls.listBoards, [includeArchived])) ?? [];
}

export const createBoard = bind(calls.createBoard);
export const getBoard = bind(calls.getBoard);
export const updateBoard = bind(calls.updateBoard);

/** Deletes a board; its images become uncategorized unless includeImages. */
export async function deleteBoard(boardId: string, includeImages: boolean): Promise<BulkResult> {
  return bulk(await invoke(calls.deleteBoard, [boardId, includeImages]));
}

export async function listShares(boardId: string): Promise<Share[]> {
  return (await invoke(calls.listShares, [boardId])) ?? [];
}

/** Shares a board with a person, or changes their role. */
export const shareBoard = bind(calls.shareBoard);

export async function unshareBoard(boardId: string, userId: string): Promise<void> {
  await invoke(calls.unshareBoard, [boardId, userId]);
}

/** The machine's other profiles, to share a board with. */
export async function shareCandidates(boardId: string): Promise<ProfileTile[]> {
  return (await invoke(calls.shareCandidates, [boardId])) ?? [];
}

/**
 * Downloads a board as a zip. The window asks where to save it and returns
 * the path ("" if cancelled); a browser starts a download and returns "".
 */
export async function downloadBoard(boardId: string): Promise<string> {
  return (await invoke(calls.downloadBoard, [boardId])) ?? '';
}
