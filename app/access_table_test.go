package app

import (
	"strings"
	"testing"
)

// The expected answers of the access table, cell by cell, as DESIGN.md's
// "Who may do what" says them. Columns are ways an actor can stand to a
// thing; "y" allows, "." denies. A row of the table not written here, or a
// row written here that the table lacks, fails the test.
var relationColumns = []struct {
	name string
	rel  Relation
}{
	{"nobody", 0}, // signed out, disabled, deleted: the store resolves no actor
	{"signed-in", RelSignedIn},
	{"owner", RelSignedIn | RelOwner},
	{"editor", RelSignedIn | RelEditor},
	{"editor+own", RelSignedIn | RelEditor | RelOwnItem},
	{"viewer", RelSignedIn | RelViewer},
	{"viewer+own", RelSignedIn | RelViewer | RelOwnItem},
	{"shared", RelSignedIn | RelShared},
	{"shared+own", RelSignedIn | RelShared | RelOwnItem},
	{"public", RelSignedIn | RelPublic},
	{"public+own", RelSignedIn | RelPublic | RelOwnItem},
	{"own-item", RelSignedIn | RelOwnItem},
	{"admin", RelSignedIn | RelAdmin},
}

// kind.action               nobody signed-in owner editor editor+own viewer viewer+own shared shared+own public public+own own-item admin
const expectedAccess = `
board.see                   .  .  y  y  y  y  y  y  y  y  y  .  y
board.list_all              .  .  .  .  .  .  .  .  .  .  .  .  y
board.add                   .  .  y  y  y  .  .  .  .  y  y  .  y
board.manage                .  .  y  .  .  .  .  .  .  .  .  .  y
image.see                   .  .  y  y  y  y  y  y  y  y  y  .  y
image.change                .  .  y  y  y  .  .  .  .  .  y  .  y
image.take_off              .  .  y  y  y  .  .  .  .  .  y  .  y
image.delete                .  .  y  .  y  .  .  .  .  .  y  .  y
image.move                  .  .  .  .  y  .  y  .  y  .  y  y  y
image.delete_with_board     .  .  .  .  y  .  y  .  y  .  y  y  y
loose_image.see             .  .  y  .  .  .  .  .  .  .  .  .  y
loose_image.change          .  .  y  .  .  .  .  .  .  .  .  .  y
loose_image.delete          .  .  y  .  .  .  .  .  .  .  .  .  y
loose_image.move            .  .  y  .  .  .  .  .  .  .  .  .  y
loose_image.list_all        .  .  y  .  .  .  .  .  .  .  .  .  y
queue_item.see              .  y  y  y  y  y  y  y  y  y  y  y  y
queue_item.see_whole        .  .  y  .  .  .  .  .  .  .  .  .  y
queue_item.change           .  .  y  .  .  .  .  .  .  .  .  .  y
queue.see                   .  y  y  y  y  y  y  y  y  y  y  y  y
queue.change                .  .  .  .  .  .  .  .  .  .  .  .  y
user.manage                 .  .  .  .  .  .  .  .  .  .  .  .  y
audit_log.see               .  .  .  .  .  .  .  .  .  .  .  .  y
settings.see                .  y  y  y  y  y  y  y  y  y  y  y  y
settings.change             .  .  .  .  .  .  .  .  .  .  .  .  y
workflow.see                .  .  y  y  y  y  y  y  y  y  y  .  y
workflow.list_all           .  .  .  .  .  .  .  .  .  .  .  .  y
workflow.change             .  .  y  y  y  .  .  .  .  .  .  .  y
workflow.manage             .  .  y  .  .  .  .  .  .  .  .  .  y
workflow.delete             .  .  y  .  .  .  .  .  .  .  .  .  y
style_preset.see            .  .  y  y  y  y  y  y  y  y  y  .  y
style_preset.list_all       .  .  .  .  .  .  .  .  .  .  .  .  y
style_preset.change         .  .  y  y  y  .  .  .  .  .  .  .  y
style_preset.manage         .  .  y  .  .  .  .  .  .  .  .  .  y
style_preset.delete         .  .  y  .  .  .  .  .  .  .  .  .  y
backend.see                 .  .  .  .  .  .  .  .  .  .  .  .  y
backend.manage              .  .  .  .  .  .  .  .  .  .  .  .  y
model.see                   .  .  .  .  .  y  y  .  .  y  y  .  y
model.list_all              .  .  .  .  .  .  .  .  .  .  .  .  y
model.manage                .  .  .  .  .  .  .  .  .  .  .  .  y
`

func TestAccessTableEveryCell(t *testing.T) {
	kinds, actions := map[string]Kind{}, map[string]Action{}
	for k := range kindCount {
		kinds[k.String()] = k
	}
	for a := range actionCount {
		actions[a.String()] = a
	}
	written := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(expectedAccess), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 1+len(relationColumns) {
			t.Fatalf("row %q has %d cells, want %d", fields[0], len(fields)-1, len(relationColumns))
		}
		kindName, actionName, _ := strings.Cut(fields[0], ".")
		kind, okKind := kinds[kindName]
		action, okAction := actions[actionName]
		written[fields[0]] = true
		if !okKind || !okAction || len(accessTable[kind][action].who) == 0 {
			t.Errorf("%s is expected but the access table has no such row", fields[0])
			continue
		}
		for i, col := range relationColumns {
			want := fields[1+i] == "y"
			if got := Allowed(kind, action, col.rel); got != want {
				t.Errorf("%s for %s: allowed = %v, want %v", fields[0], col.name, got, want)
			}
		}
	}
	for k := range kindCount {
		for a := range actionCount {
			if len(accessTable[k][a].who) > 0 && !written[k.String()+"."+a.String()] {
				t.Errorf("the access table's row %s.%s has no expected answers here", k, a)
			}
			if len(accessTable[k][a].who) == 0 && Allowed(k, a, ^Relation(0)) {
				t.Errorf("%s.%s has no row but allows someone", k, a)
			}
		}
	}
}

// TestCheckSaysNotFoundOrNotAllowed: a deny is "not found" to whoever may
// not see a board or an image, and "not allowed" to whoever may, and for
// kinds everyone knows of (the queue, profiles, settings).
func TestCheckSaysNotFoundOrNotAllowed(t *testing.T) {
	for _, c := range []struct {
		kind   Kind
		action Action
		rel    Relation
		code   string
	}{
		{KindBoard, ActManage, RelSignedIn, ENOTFOUND},
		{KindBoard, ActManage, RelSignedIn | RelViewer, EFORBIDDEN},
		{KindBoard, ActAdd, RelSignedIn | RelShared, EFORBIDDEN},
		{KindImage, ActDelete, RelSignedIn, ENOTFOUND},
		{KindImage, ActDelete, RelSignedIn | RelEditor, EFORBIDDEN},
		{KindLooseImage, ActChange, RelSignedIn, ENOTFOUND},
		{KindLooseImage, ActListAll, RelSignedIn, EFORBIDDEN},
		{KindQueueItem, ActChange, RelSignedIn, EFORBIDDEN},
		{KindUser, ActManage, RelSignedIn, EFORBIDDEN},
		{KindAuditLog, ActSee, RelSignedIn, EFORBIDDEN},
		{KindSettings, ActChange, RelSignedIn, EFORBIDDEN},
		{KindSettings, ActChange, RelSignedIn | RelAdmin, ""},
		{KindWorkflow, ActChange, RelSignedIn, ENOTFOUND},
		{KindWorkflow, ActChange, RelSignedIn | RelViewer, EFORBIDDEN},
		{KindWorkflow, ActDelete, RelSignedIn | RelEditor, EFORBIDDEN},
		{KindStylePreset, ActManage, RelSignedIn, ENOTFOUND},
		{KindStylePreset, ActChange, RelSignedIn | RelShared, EFORBIDDEN},
	} {
		if got := ErrorCode(Check(c.kind, c.action, c.rel)); got != c.code {
			t.Errorf("Check(%s, %s, %b) = %q, want %q", c.kind, c.action, c.rel, got, c.code)
		}
	}
}

// TestRelationsOf: who counts as signed in, the owner and an admin.
func TestRelationsOf(t *testing.T) {
	ann := &User{UserID: "ann", IsActive: true}
	admin := &User{UserID: "ada", IsActive: true, IsAdmin: true}
	for _, c := range []struct {
		name  string
		actor *User
		owner string
		want  Relation
	}{
		{"nobody", nil, "ann", 0},
		{"disabled", &User{UserID: "ann", IsAdmin: true}, "ann", 0},
		{"system", &User{UserID: SystemUserID, IsActive: true, IsAdmin: true}, SystemUserID, 0},
		{"owner", ann, "ann", RelSignedIn | RelOwner},
		{"someone else", ann, "bob", RelSignedIn},
		{"nobody's thing", ann, "", RelSignedIn},
		{"admin", admin, "bob", RelSignedIn | RelAdmin},
	} {
		if got := RelationsOf(c.actor, c.owner); got != c.want {
			t.Errorf("%s: %b, want %b", c.name, got, c.want)
		}
	}
}
