// The words the Presets page shows for a preset: whose it is, how shared,
// and how the share dialog (the boards' one) speaks of it.

import { shareStylePreset, stylePresetShareCandidates, stylePresetShares, unshareStylePreset, type StylePreset } from '../api';
import type { ShareCalls, ShareSubject } from '../gallery/share';

export const presetShareCalls: ShareCalls = {
  list: stylePresetShares,
  candidates: stylePresetShareCandidates,
  share: shareStylePreset,
  unshare: async (id, userId) => {
    await unshareStylePreset(id, userId);
  },
};

export function presetSubject(p: StylePreset): ShareSubject {
  return {
    id: p.id,
    name: p.name,
    ownerId: p.user_id,
    ownerName: p.owner_name,
    visibility: p.is_public
      ? { label: 'Public', text: 'Everyone on this computer can use and copy it, and the people below have their roles.' }
      : { label: 'Private', text: 'Only you and the people below can see it.' },
    roles: [
      { value: 'viewer', label: 'Viewer: can use and copy' },
      { value: 'editor', label: 'Editor: can use and change' },
    ],
    can: (role) => (role === 'editor' ? 'use and change' : 'use and copy'),
    calls: presetShareCalls,
  };
}

/** The badge on a card: how the caller stands to the preset. */
export function roleBadge(p: StylePreset): string {
  if (p.type === 'default') return 'Built-in';
  switch (p.my_role) {
    case 'owner':
      return p.is_public ? 'Yours · Public' : 'Yours';
    case 'editor':
      return 'Editor';
    case 'viewer':
      return 'Viewer';
    case 'admin':
      return 'Admin view';
    default:
      return 'Public';
  }
}

/** Whose a preset is, in words. */
export function ownerLine(p: StylePreset): string {
  if (p.type === 'default') return 'Comes with Easel';
  return p.my_role === 'owner' ? 'By you' : `By ${p.owner_name}`;
}
