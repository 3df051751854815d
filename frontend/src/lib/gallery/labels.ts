import type { Board, Visibility } from '../api';

export const visibilityLabel: Record<Visibility, string> = {
  private: 'Private',
  shared: 'Shared',
  public: 'Public',
};

export const visibilityHint: Record<Visibility, string> = {
  private: 'Only you and people you share it with',
  shared: 'Everyone can look',
  public: 'Everyone can look and add',
};

/** What the caller may do here, in a few words, for the header. */
export function accessLine(b: Board): string {
  switch (b.my_role) {
    case 'owner':
      return '';
    case 'editor':
      return `${b.owner_name} shared it with you: you can add images`;
    case 'viewer':
      return `${b.owner_name} shared it with you: you can look`;
    case 'public':
      return `${b.owner_name}'s board: everyone can look and add`;
    case 'shared':
      return `${b.owner_name}'s board: everyone can look`;
    case 'admin':
      return `${b.owner_name}'s board: you see it as an administrator`;
  }
}
