package main

import (
	"reflect"

	"easel/app"
	"easel/app/desktop"
	"easel/app/engine"
	"easel/internal/tsgen"
)

// bridge lists every Go type that crosses between Go and the web UI, by
// the bound methods (app/desktop) and the routes (app/httpapi) the UI
// calls, in the order frontend/src/lib/types.gen.ts declares them. A type
// they refer to must be listed too: the generator refuses to guess.
var bridge = []tsgen.Decl{
	// ---- profiles and signing in
	tsgen.Struct[app.User]("User"),
	tsgen.Struct[desktop.Status]("AuthStatus"),
	tsgen.Struct[app.ProfileTile]("ProfileTile"),
	tsgen.Struct[app.Preferences]("Preferences"),
	tsgen.Input[app.Credentials]("Credentials"),
	tsgen.Input[app.NewUser]("NewUser"),
	tsgen.Input[app.UserUpdate]("UserUpdate"),
	tsgen.Input[app.ProfileUpdate]("ProfileUpdate"),
	tsgen.Struct[desktop.LockedEvent]("LockedEvent"),
	tsgen.Const("EVENT_LOCKED", desktop.EventLocked, "desktop.EventLocked: the window's idle lock signed it out (a LockedEvent)."),

	// ---- boards and sharing
	tsgen.Union("Visibility", app.VisibilityPrivate, app.VisibilityShared, app.VisibilityPublic),
	tsgen.Union("ShareRole", app.RoleViewer, app.RoleEditor),
	// app.BoardAccess.Label's words: Go keeps them as plain strings.
	tsgen.Union("BoardRole", "owner", "admin", "editor", "viewer", "shared", "public"),
	tsgen.Struct[app.Board]("Board").Field("MyRole", "BoardRole"),
	tsgen.Input[app.BoardUpdate]("BoardUpdate"),
	tsgen.Input[app.BoardFilter]("BoardFilter"),
	tsgen.Struct[app.BoardPage]("BoardPage"),
	tsgen.Struct[app.Share]("Share"),
	tsgen.Union("BoardOp", app.BoardArchive, app.BoardUnarchive, app.BoardDelete, app.BoardDeleteWithImages),
	tsgen.Struct[app.BulkResult]("BulkResult"),
	tsgen.Struct[app.Skipped]("Skipped"),

	// ---- images
	tsgen.Const("UNCATEGORIZED", app.NoBoard, "app.NoBoard: the board id of images with no board, in listings."),
	tsgen.Struct[app.Image]("Image").Field("Metadata", "ImageMetadata"),
	tsgen.Struct[app.ImagePage]("ImagePage"),
	tsgen.Input[app.ImageFilter]("ImageFilter"),
	tsgen.Input[app.ImageUpdate]("ImageUpdate"),
	tsgen.Struct[desktop.ImportReport]("ImportResult"),
	tsgen.Struct[desktop.Refusal]("Refusal"),
	tsgen.Struct[desktop.ImportProgress]("ImportProgress"),
	tsgen.Const("EVENT_IMPORT_PROGRESS", desktop.EventImportProgress, "desktop.EventImportProgress: how far the window's import is (an ImportProgress)."),
	// Recorded by save_image; the image's metadata as it was stored.
	tsgen.Struct[engine.Metadata]("ImageMetadata").Field("Graph", "Graph"),

	// ---- workflows and graphs
	tsgen.Struct[engine.Workflow]("Workflow"),
	tsgen.Struct[engine.WorkflowField]("WorkflowField"),
	tsgen.Struct[engine.FieldSpec]("FieldSpec").Field("Kind", "FieldKind"),
	tsgen.Union("FieldKind", engine.KindInt, engine.KindFloat, engine.KindString, engine.KindBool,
		engine.KindColor, engine.KindImage, engine.KindBoard, engine.KindEnum, engine.KindModel),
	// Nodes are never null: engine.Validate refuses a graph without nodes
	// before it is queued, and the built-in workflows all have theirs.
	tsgen.RawFor[engine.Graph]("Graph", "{ nodes: Record<string, GraphNode>; edges: GraphEdge[] }",
		"engine.Graph: its MarshalJSON writes a graph without edges as \"edges\": []."),
	tsgen.Raw("GraphNode", "{ id: string; type: string } & Record<string, unknown>",
		"A node of engine.Graph (a map in Go): its id, its type, and the values of its fields."),
	tsgen.Struct[engine.Edge]("GraphEdge"),
	tsgen.Struct[engine.EdgeEnd]("EdgeEnd"),

	// ---- the workflow library
	tsgen.Union("WorkflowCategory", app.WorkflowCategoryUser, app.WorkflowCategoryDefault),
	tsgen.Union("WorkflowOrder", app.WorkflowOrderName, app.WorkflowOrderCreatedAt, app.WorkflowOrderUpdatedAt,
		app.WorkflowOrderOpenedAt, app.WorkflowOrderIsPublic),
	tsgen.Union("WorkflowScope", app.WorkflowScopeDefault, app.WorkflowScopeMine, app.WorkflowScopeShared, app.WorkflowScopeAll),
	tsgen.Struct[app.Workflow]("WorkflowRecord").Field("Workflow", "Workflow").Field("MyRole", "BoardRole"),
	tsgen.Struct[app.WorkflowListItem]("WorkflowListItem").Field("Category", "WorkflowCategory").Field("MyRole", "BoardRole"),
	tsgen.Struct[app.WorkflowPage]("WorkflowPage"),
	tsgen.Input[app.WorkflowFilter]("WorkflowFilter").Field("OrderBy", "WorkflowOrder").Field("Scope", "WorkflowScope").Field("Categories", "WorkflowCategory[]"),

	// ---- style presets
	tsgen.Union("PresetType", app.PresetTypeUser, app.PresetTypeDefault),
	tsgen.Struct[app.PresetData]("PresetData"),
	tsgen.Struct[app.StylePreset]("StylePreset").Field("Type", "PresetType").Field("MyRole", "BoardRole"),
	tsgen.Input[app.StylePresetInput]("StylePresetInput").Field("Type", "PresetType"),
	tsgen.Input[desktop.PresetImageSource]("PresetImageSource"),
	tsgen.Const("PROMPT_PLACEHOLDER", app.PromptPlaceholder, "app.PromptPlaceholder: where a preset's template takes the prompt."),

	// ---- the render queue
	tsgen.Const("DEFAULT_QUEUE", app.DefaultQueue, "app.DefaultQueue: the one queue, as the routes name it."),
	tsgen.Union("QueueStatus", app.StatusPending, app.StatusInProgress, app.StatusCompleted, app.StatusFailed, app.StatusCanceled),
	tsgen.Struct[app.Batch]("Batch").Field("Graph", "Graph"),
	tsgen.Struct[app.BatchDatum]("BatchDatum"),
	tsgen.Struct[app.FieldValue]("FieldValue"),
	tsgen.Struct[app.EnqueueResult]("EnqueueResult"),
	tsgen.Struct[app.QueueItem]("QueueItem").Field("Graph", "Graph"),
	tsgen.Struct[app.QueueCounts]("QueueCounts"),
	tsgen.Struct[app.QueueStatusReport]("QueueStatusReport"),
	tsgen.Union("QueueEventType", app.EventItemStatus, app.EventItemDeleted, app.EventNodeProgress, app.EventImageSaved, app.EventProcessor),
	tsgen.Struct[app.QueueEvent]("QueueEvent").Field("Type", "QueueEventType"),
	tsgen.Struct[app.ProgressImage]("ProgressImage"),
	tsgen.Const("EVENT_QUEUE", desktop.EventQueue, "desktop.EventQueue: a QueueEvent, pushed to the window."),

	// ---- studio settings
	tsgen.Struct[app.Settings]("Settings"),
	tsgen.Input[app.SettingsUpdate]("SettingsUpdate"),

	// ---- image generation
	tsgen.Union("BackendKind", app.BackendA1111, app.BackendSDServer),
	tsgen.Union("BackendState", app.BackendReachable, app.BackendUnreachable, app.BackendStarting, app.BackendRestarting),
	tsgen.Struct[app.Backend]("Backend").Field("Kind", "BackendKind"),
	tsgen.Struct[app.BackendStatus]("BackendStatus").Field("State", "BackendState"),
	tsgen.Struct[app.Model]("Model"),
	tsgen.Struct[app.ModelAccess]("ModelAccess"),
	tsgen.Struct[app.ModelGrant]("ModelGrant"),

	// ---- errors
	{Name: "WindowError", Go: windowError()},
	tsgen.Raw("HttpError", "{ detail?: string }",
		"What `easel serve` answers with a 4xx or 5xx (httpapi.writeError writes a map), and Retry-After with a 429."),
}

// windowError is the type of the error a bound method rejects with (its
// Error() is this JSON). desktop keeps it unexported, so it is taken from
// a call that fails: any call of a window nobody has signed in to.
func windowError() reflect.Type {
	auth := desktop.NewSession(desktop.Services{}).Bindings()[0].(*desktop.Auth)
	return reflect.TypeOf(auth.Touch()).Elem()
}
