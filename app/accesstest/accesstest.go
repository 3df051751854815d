// Package accesstest is the access table of DESIGN.md as a test matrix:
// every action on a board and its images, by every kind of caller, with
// the exact outcome. The store's tests run it through the services and the
// API's tests through HTTP, each with a Driver of its own.
package accesstest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"easel/app"
)

// Role is a kind of caller, relative to one board.
type Role string

const (
	Owner     Role = "owner"
	Editor    Role = "editor"   // named, role editor
	Viewer    Role = "viewer"   // named, role viewer
	Shared    Role = "shared"   // any user; the board's visibility is "shared"
	Public    Role = "public"   // any user; the board's visibility is "public"
	Stranger  Role = "stranger" // any user; the board is private and not shared with them
	Admin     Role = "admin"
	LoggedOut Role = "logged out"
	Disabled  Role = "disabled"
)

// Roles lists every role, in the order the matrix runs them.
var Roles = []Role{Owner, Editor, Viewer, Shared, Public, Stranger, Admin, LoggedOut, Disabled}

// Action is one thing a caller tries.
type Action string

const (
	See           Action = "see the board"
	List          Action = "find the board in their list"
	ListImages    Action = "list the board's images"
	Open          Action = "open an image on it"
	Add           Action = "add an image of their own"
	TakeOffTheirs Action = "take the owner's image off the board"
	TakeOffOwn    Action = "take their own image off the board"
	DeleteTheirs  Action = "delete the owner's image"
	DeleteOwn     Action = "delete their own image"
	Star          Action = "star the owner's image"
	Rename        Action = "rename the board"
	Archive       Action = "archive the board"
	SetVisibility Action = "set the board's visibility"
	Share         Action = "share the board"
	ListShares    Action = "see who the board is shared with"
	DeleteBoard   Action = "delete the board"
	Download      Action = "download the board"
)

// Outcomes: "" is success; "-" is a case that cannot arise (a viewer owns
// no image on the board); anything else is an error code.
const (
	ok  = ""
	na  = "-"
	nf  = app.ENOTFOUND
	no  = app.EFORBIDDEN
	out = app.EUNAUTHORIZED
)

// Expected is DESIGN.md's table, written out for each role.
//
//	roles:          owner editor viewer shared public stranger admin loggedout disabled
var Expected = map[Action][]string{
	See:           {ok, ok, ok, ok, ok, nf, ok, out, out},
	List:          {ok, ok, ok, ok, ok, nf, ok, out, out},
	ListImages:    {ok, ok, ok, ok, ok, nf, ok, out, out},
	Open:          {ok, ok, ok, ok, ok, nf, ok, out, out},
	Add:           {ok, ok, no, no, ok, nf, ok, out, out},
	TakeOffTheirs: {ok, ok, no, no, no, nf, ok, out, out},
	TakeOffOwn:    {ok, ok, na, na, ok, na, ok, na, na},
	DeleteTheirs:  {ok, no, no, no, no, nf, ok, out, out},
	DeleteOwn:     {ok, ok, na, na, ok, na, ok, na, na},
	Star:          {ok, ok, no, no, no, nf, ok, out, out},
	Rename:        {ok, no, no, no, no, nf, ok, out, out},
	Archive:       {ok, no, no, no, no, nf, ok, out, out},
	SetVisibility: {ok, no, no, no, no, nf, ok, out, out},
	Share:         {ok, no, no, no, no, nf, ok, out, out},
	ListShares:    {ok, no, no, no, no, nf, ok, out, out},
	DeleteBoard:   {ok, no, no, no, no, nf, ok, out, out},
	Download:      {ok, ok, ok, ok, ok, nf, ok, out, out},
}

// Board is a fresh board made for one case.
type Board struct {
	ID string
	// TheirImage is the owner's image on it; OwnImage the acting role's, if
	// the case needs one.
	TheirImage, OwnImage string
}

// Driver performs the matrix's actions through one face of Easel.
type Driver interface {
	// NewBoard makes a board of the owner's fit for role: private and shared
	// with the editor and the viewer, or with visibility "shared" or
	// "public" for those roles; with one image of the owner's and, if
	// ownImage, one added by role.
	NewBoard(t *testing.T, role Role, ownImage bool) Board
	// Do performs action as role and returns the error code ("" for success).
	// For List, a board missing from the list is ENOTFOUND.
	Do(t *testing.T, role Role, action Action, b Board) string
}

// Run runs every action as every role.
func Run(t *testing.T, d Driver) {
	for action, want := range Expected {
		for i, role := range Roles {
			if want[i] == na {
				continue
			}
			t.Run(string(role)+" may "+string(action), func(t *testing.T) {
				own := action == TakeOffOwn || action == DeleteOwn
				b := d.NewBoard(t, role, own)
				if got := d.Do(t, role, action, b); got != want[i] {
					t.Fatalf("%s tried to %s: got %q, want %q", role, action, got, want[i])
				}
			})
		}
	}
}

// PNG returns a small real PNG image, different for each seed.
func PNG(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 32))
	for y := 0; y < 32; y++ {
		for x := 0; x < 48; x++ {
			img.Set(x, y, color.RGBA{uint8(x*5 + seed), uint8(y * 8), uint8(seed * 37), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
