// The boards the signed-in person can see, grouped for the sidebar.

import { listBoards, type Board } from '../api';
import { errorText, isSessionEnd } from '../errors';

export type BoardGroup = 'mine' | 'shared-with-me' | 'everyone';

export function groupOf(b: Board): BoardGroup {
  switch (b.my_role) {
    case 'owner':
      return 'mine';
    case 'editor':
    case 'viewer':
      return 'shared-with-me';
    default:
      return 'everyone'; // shared, public, and for admins other people's boards
  }
}

export class BoardStore {
  /** Newest first, as Go sends them. */
  boards = $state.raw<Board[]>([]);
  showArchived = $state(false);
  loading = $state(true);
  error = $state('');
  private gen = 0;

  mine = $derived(this.boards.filter((b) => groupOf(b) === 'mine'));
  sharedWithMe = $derived(this.boards.filter((b) => groupOf(b) === 'shared-with-me'));
  everyone = $derived(this.boards.filter((b) => groupOf(b) === 'everyone'));
  /** Where images may be moved or imported. */
  addable = $derived(this.boards.filter((b) => b.can_add && !b.archived));

  byId(id: string): Board | undefined {
    return this.boards.find((b) => b.board_id === id);
  }

  async load(): Promise<void> {
    const gen = ++this.gen;
    this.loading = true;
    try {
      const boards = await listBoards(this.showArchived);
      if (gen !== this.gen) return;
      this.boards = boards;
      this.error = '';
    } catch (err) {
      if (gen === this.gen && !isSessionEnd(err)) this.error = errorText(err);
    } finally {
      if (gen === this.gen) this.loading = false;
    }
  }

  /** Puts a created or changed board in place (an archived one leaves unless archived are shown). */
  put(b: Board): void {
    const hide = b.archived && !this.showArchived;
    const i = this.boards.findIndex((x) => x.board_id === b.board_id);
    if (i < 0) {
      if (!hide) this.boards = [b, ...this.boards];
    } else if (hide) {
      this.boards = this.boards.filter((x) => x.board_id !== b.board_id);
    } else {
      this.boards = this.boards.map((x) => (x.board_id === b.board_id ? b : x));
    }
  }

  drop(id: string): void {
    this.boards = this.boards.filter((b) => b.board_id !== id);
  }
}
