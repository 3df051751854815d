// The words the Presets page shows for a preset: whose it is, how shared,
// and how the share dialog (the boards' one) speaks of it.

import { shareStylePreset, stylePresetShareCandidates, stylePresetShares, unshareStylePreset, type StylePreset } from '../api';
import type { ShareCalls, ShareSubject } from '../gallery/share';
import { keptBadge, keptOwnerLine, keptSubject, type Kept } from '../library/kept';

export const presetShareCalls: ShareCalls = {
  list: stylePresetShares,
  candidates: stylePresetShareCandidates,
  share: shareStylePreset,
  unshare: async (id, userId) => {
    await unshareStylePreset(id, userId);
  },
};

function kept(p: StylePreset): Kept {
  return {
    id: p.id,
    name: p.name,
    ownerId: p.user_id,
    ownerName: p.owner_name,
    isPublic: p.is_public,
    myRole: p.my_role,
    builtIn: p.type === 'default',
  };
}

export function presetSubject(p: StylePreset): ShareSubject {
  return keptSubject(kept(p), presetShareCalls);
}

/** The badge on a card: how the caller stands to the preset. */
export function roleBadge(p: StylePreset): string {
  return keptBadge(kept(p));
}

/** Whose a preset is, in words. */
export function ownerLine(p: StylePreset): string {
  return keptOwnerLine(kept(p));
}
