package accesstest

import (
	"testing"
)

// The library matrix: every action on a workflow or a style preset, by
// every kind of caller. Both kinds share one set of rows in the access
// table (libraryRules), so they share these expectations too.

// Deleted is a caller whose profile was deleted (their session with it).
const Deleted Role = "deleted"

// LibraryRoles lists the roles the library matrix runs, in its order.
// There is no "public" role: a workflow or preset is shared with everyone
// or not (InvokeAI's is_public), and the shared one is met as Shared.
var LibraryRoles = []Role{Owner, Editor, Viewer, Shared, Stranger, Admin, LoggedOut, Disabled, Deleted}

// Library actions.
const (
	LibSee        Action = "see it"
	LibList       Action = "find it in their list"
	LibCopy       Action = "save a copy as theirs"
	LibOpen       Action = "mark it opened"
	LibChange     Action = "change it"
	LibSetPublic  Action = "publish it"
	LibShare      Action = "share it"
	LibListShares Action = "see who it is shared with"
	LibDelete     Action = "delete it"
)

// LibraryExpected is DESIGN.md's rule for workflows and presets, per role.
//
//	roles:        owner editor viewer shared stranger admin loggedout disabled deleted
var LibraryExpected = map[Action][]string{
	LibSee:        {ok, ok, ok, ok, nf, ok, out, out, out},
	LibList:       {ok, ok, ok, ok, nf, ok, out, out, out},
	LibCopy:       {ok, ok, ok, ok, nf, ok, out, out, out},
	LibOpen:       {ok, ok, ok, ok, nf, ok, out, out, out},
	LibChange:     {ok, ok, no, no, nf, ok, out, out, out},
	LibSetPublic:  {ok, no, no, no, nf, ok, out, out, out},
	LibShare:      {ok, no, no, no, nf, ok, out, out, out},
	LibListShares: {ok, no, no, no, nf, ok, out, out, out},
	LibDelete:     {ok, no, no, no, nf, ok, out, out, out},
}

// LibraryDriver performs the library matrix's actions on one kind of
// thing through one face of Easel.
type LibraryDriver interface {
	// New makes a thing of the owner's fit for role: private and shared by
	// name with the editor and the viewer, or shared with everyone for
	// Shared. It returns its id.
	New(t *testing.T, role Role) string
	// Do performs action as role and returns the error code ("" for
	// success). For LibList, a thing missing from the list is ENOTFOUND.
	Do(t *testing.T, role Role, action Action, id string) string
}

// RunLibrary runs every library action as every role.
func RunLibrary(t *testing.T, d LibraryDriver) {
	runMatrix(t, LibraryExpected, LibraryRoles, d.New, d.Do)
}

// runMatrix runs every action of expected as every one of roles, each on
// a fresh thing made for the role. A driver answering "-" does not offer
// the action through its face: the case is skipped, said so.
func runMatrix(t *testing.T, expected map[Action][]string, roles []Role,
	newThing func(t *testing.T, role Role) string, do func(t *testing.T, role Role, action Action, id string) string) {
	for action, want := range expected {
		for i, role := range roles {
			t.Run(string(role)+" may "+string(action), func(t *testing.T) {
				id := newThing(t, role)
				got := do(t, role, action, id)
				if got == na {
					t.Skipf("%s is not done through this face", action)
				}
				if got != want[i] {
					t.Fatalf("%s tried to %s: got %q, want %q", role, action, got, want[i])
				}
			})
		}
	}
}
