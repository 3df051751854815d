// Importing a workflow file: the window shows its own file dialog; a
// browser sends the file it picked as the route's multipart form.

import { importWorkflow, inWindow, type WorkflowRecord } from '../api';

/** Resolves to the workflow kept, or null when the window's dialog was cancelled. */
export async function importWorkflowFile(file: File | null): Promise<WorkflowRecord | null> {
  return importWorkflow(inWindow ? null : file);
}
