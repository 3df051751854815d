// The words the Library shows for a workflow: whose it is, how shared, and
// how the share dialog speaks of it.

import { shareWorkflow, unshareWorkflow, workflowShareCandidates, workflowShares, type WorkflowListItem } from '../api';
import type { ShareCalls, ShareSubject } from '../gallery/share';

export const workflowShareCalls: ShareCalls = {
  list: workflowShares,
  candidates: workflowShareCandidates,
  share: shareWorkflow,
  unshare: unshareWorkflow,
};

export function workflowSubject(w: WorkflowListItem): ShareSubject {
  return {
    id: w.workflow_id,
    name: w.name,
    ownerId: w.user_id,
    ownerName: w.owner_name,
    visibility: w.is_public
      ? { label: 'Public', text: 'Everyone on this computer can use and copy it, and the people below have their roles.' }
      : { label: 'Private', text: 'Only you and the people below can see it.' },
    roles: [
      { value: 'viewer', label: 'Viewer: can use and copy' },
      { value: 'editor', label: 'Editor: can use and change' },
    ],
    can: (role) => (role === 'editor' ? 'use and change' : 'use and copy'),
    calls: workflowShareCalls,
  };
}

/** The badge on a card: how the caller stands to the workflow. */
export function roleBadge(w: WorkflowListItem): string {
  if (w.category === 'default') return 'Built-in';
  switch (w.my_role) {
    case 'owner':
      return w.is_public ? 'Yours · Public' : 'Yours';
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

/** One colour per workflow, for the placeholder of one with no thumbnail. */
export function hueOf(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.codePointAt(0)!) % 360;
  return h;
}
