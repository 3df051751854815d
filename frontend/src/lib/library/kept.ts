// What the Library and the Presets page say alike of a thing kept in a
// profile's library (a workflow, a style preset): how the share dialog
// speaks of it, and the badge of how the caller stands to it.

import type { ShareCalls, ShareSubject } from '../gallery/share';

/** The parts of a workflow or a preset these words are made from. */
export interface Kept {
  id: string;
  name: string;
  ownerId: string;
  ownerName: string;
  isPublic: boolean;
  myRole: string;
  builtIn: boolean;
}

export function keptSubject(k: Kept, calls: ShareCalls): ShareSubject {
  return {
    id: k.id,
    name: k.name,
    ownerId: k.ownerId,
    ownerName: k.ownerName,
    visibility: k.isPublic
      ? { label: 'Public', text: 'Everyone on this computer can use and copy it, and the people below have their roles.' }
      : { label: 'Private', text: 'Only you and the people below can see it.' },
    roles: [
      { value: 'viewer', label: 'Viewer: can use and copy' },
      { value: 'editor', label: 'Editor: can use and change' },
    ],
    can: (role) => (role === 'editor' ? 'use and change' : 'use and copy'),
    calls,
  };
}

/** The badge on a card: how the caller stands to the thing. */
export function keptBadge(k: Kept): string {
  if (k.builtIn) return 'Built-in';
  switch (k.myRole) {
    case 'owner':
      return k.isPublic ? 'Yours · Public' : 'Yours';
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

/** Whose the thing is, in words. */
export function keptOwnerLine(k: Kept): string {
  if (k.builtIn) return 'Comes with Easel';
  return k.myRole === 'owner' ? 'By you' : `By ${k.ownerName}`;
}

/** One colour per name, for the placeholder of a card with no picture. */
export function hueOf(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}
