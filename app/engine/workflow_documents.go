package engine

import (
	"encoding/json"

	"easel/app"
)

// WorkflowDocuments is the app.WorkflowFormat the workflow library is given:
// Easel's workflow document, read, checked, shown and written by this
// package. The library keeps each document as Check returns it, without
// the fields' specs (they come from the node types whenever it is read, so
// none goes stale), and never looks inside.
type WorkflowDocuments struct{}

var _ app.WorkflowFormat = WorkflowDocuments{}

// Check is CheckDocument.
func (WorkflowDocuments) Check(doc []byte, fix app.WorkflowFix) ([]byte, app.WorkflowSummary, error) {
	return CheckDocument(doc, fix)
}

// Present is a kept document as the UI reads it: each field with its spec
// (kind, bounds, choices, default) from its node type, as the built-in
// workflows are served.
func (WorkflowDocuments) Present(doc []byte) ([]byte, error) {
	w, err := ParseWorkflow(doc)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// File is a kept document as a workflow file, indented, to save.
func (WorkflowDocuments) File(doc []byte) ([]byte, error) {
	w, err := ParseWorkflow(doc)
	if err != nil {
		return nil, err
	}
	return w.File()
}
