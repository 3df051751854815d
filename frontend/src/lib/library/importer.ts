// Importing a workflow file: the window shows its own file dialog; a
// browser sends the file it picked as the route's multipart form.

import { importWorkflow, inWindow, type WorkflowRecord } from '../api';
import { calls } from '../api/calls';
import { upload } from '../api/transport';

/**
 * Resolves to the workflow kept, or null when the window's dialog was
 * cancelled. (api/workflows.ts's importWorkflow goes through invoke, whose
 * HTTP way sends JSON bodies only, so a browser's file goes by upload.)
 */
export async function importWorkflowFile(file: File | null): Promise<WorkflowRecord | null> {
  if (inWindow || !file) return importWorkflow(null);
  return upload(calls.importWorkflow, [file], () => {});
}
