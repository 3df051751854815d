// What the share dialog shares: a board, a workflow, any shareable kind.
// Each kind gives its own calls and words; the dialog is the same.

import { listShares, shareBoard, shareCandidates, unshareBoard, type Board, type ProfileTile, type Share, type ShareRole } from '../api';
import { visibilityHint, visibilityLabel } from './labels';

/** The calls that list, grant and take back access to one thing. */
export interface ShareCalls {
  list: (id: string) => Promise<Share[]>;
  candidates: (id: string) => Promise<ProfileTile[]>;
  share: (id: string, userId: string, role: ShareRole) => Promise<Share>;
  unshare: (id: string, userId: string) => Promise<void>;
}

export interface ShareSubject {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  /** Who else may look, in words: "Private" and what it means. */
  visibility: { label: string; text: string };
  /** The roles one may give, with what each lets one do. */
  roles: { value: ShareRole; label: string }[];
  /** What a role lets one do, for "Bob can now … it": "look at". */
  can: (role: ShareRole) => string;
  calls: ShareCalls;
}

export const boardShareCalls: ShareCalls = { list: listShares, candidates: shareCandidates, share: shareBoard, unshare: unshareBoard };

export function boardSubject(board: Board): ShareSubject {
  const v = board.board_visibility;
  return {
    id: board.board_id,
    name: board.board_name,
    ownerId: board.user_id,
    ownerName: board.owner_name,
    visibility: { label: visibilityLabel[v], text: `${visibilityHint[v]}${v === 'private' ? '.' : ', and the people below have their roles.'}` },
    roles: [
      { value: 'viewer', label: 'Viewer: can look' },
      { value: 'editor', label: 'Editor: can look and add' },
    ],
    can: (role) => (role === 'editor' ? 'look at and add to' : 'look at'),
    calls: boardShareCalls,
  };
}
