// The words the Library shows for a workflow: whose it is, how shared, and
// how the share dialog speaks of it (as the Presets page does, kept.ts).

import { shareWorkflow, unshareWorkflow, workflowShareCandidates, workflowShares, type WorkflowListItem } from '../api';
import type { ShareCalls, ShareSubject } from '../gallery/share';
import { keptBadge, keptOwnerLine, keptSubject, type Kept } from './kept';

export { hueOf } from './kept';

export const workflowShareCalls: ShareCalls = {
  list: workflowShares,
  candidates: workflowShareCandidates,
  share: shareWorkflow,
  unshare: unshareWorkflow,
};

function kept(w: WorkflowListItem): Kept {
  return {
    id: w.workflow_id,
    name: w.name,
    ownerId: w.user_id,
    ownerName: w.owner_name,
    isPublic: w.is_public,
    myRole: w.my_role,
    builtIn: w.category === 'default',
  };
}

export function workflowSubject(w: WorkflowListItem): ShareSubject {
  return keptSubject(kept(w), workflowShareCalls);
}

/** The badge on a card: how the caller stands to the workflow. */
export function roleBadge(w: WorkflowListItem): string {
  return keptBadge(kept(w));
}

/** Whose the workflow is, in words. */
export function ownerLine(w: WorkflowListItem): string {
  return keptOwnerLine(kept(w));
}
