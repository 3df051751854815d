package app

import "strings"

// The one access table. Every decision of who may do what to which kind of
// thing is a row here, read by Allowed and Check; the store works out how
// the acting user relates to the thing (inside its transaction, from
// records it has just read) and asks. Everything is denied unless a row
// allows it. Adding a kind of thing is adding its rows.

// Kind is a kind of thing Easel keeps. Kinds and actions are small numbers
// so that a check is two array indexes, not two map lookups: listings ask
// the table several times per board, a hundred boards a page.
type Kind uint8

const (
	KindBoard      Kind = iota // a board of images
	KindImage                  // an image on a board
	KindLooseImage             // an image on no board: uncategorized
	KindQueueItem              // one run of a graph
	KindQueue                  // everyone's queue as a whole
	KindUser                   // someone's profile
	KindAuditLog
	KindSettings    // the studio's limits
	KindWorkflow    // a saved graph with its form
	KindStylePreset // prompt templates with a {prompt} placeholder
	KindBackend     // an image-generation server, as Settings keeps it
	KindModel       // a model a backend offers: to see one is to use it
	kindCount
)

var kindNames = [kindCount]string{"board", "image", "loose_image", "queue_item", "queue", "user", "audit_log", "settings", "workflow", "style_preset", "backend", "model"}

func (k Kind) String() string { return kindNames[k] }

// Action is what is done to a thing.
type Action uint8

const (
	ActSee      Action = iota // know it exists, look at it, list it
	ActSeeWhole               // see all of it (a queue item's graph, values and results)
	ActListAll                // list everyone's, not only one's own and what is shared
	ActAdd                    // add one's own images, render into it
	ActChange                 // star, rename, cancel, retry, set …
	ActTakeOff                // take an image off its board
	ActMove                   // put an image on a board
	ActDelete
	// delete with the board: an image going when its board is deleted
	// with its images (others' images become theirs, uncategorized)
	ActDeleteWithBoard
	ActManage // rename, archive, set visibility, share, delete a board; manage profiles
	actionCount
)

var actionNames = [actionCount]string{"see", "see_whole", "list_all", "add", "change", "take_off", "move", "delete", "delete_with_board", "manage"}

func (a Action) String() string { return actionNames[a] }

// Relation is how the acting user stands to a thing; several may hold at
// once, and a grant may ask for several together (editor and own item).
type Relation uint16

const (
	RelSignedIn Relation = 1 << iota // anyone signed in
	RelOwner                         // owns the thing (or the board the image is on)
	RelEditor                        // it is shared with them as editor
	RelViewer                        // it is shared with them as viewer
	RelShared                        // its visibility is "shared": everyone may look
	RelPublic                        // its visibility is "public": everyone may look and add
	RelAdmin                         // an active administrator
	RelSystem                        // Easel itself: built-in things, work from before profiles
	RelOwnItem                       // the actor owns the item inside it (their own image on a board)
)

// rule is one row: who may (any one grant suffices; a grant is a set of
// relations that must all hold), and what a person who may see the thing
// but not do this is told. A row with no grants allows nobody.
type rule struct {
	who    []Relation
	denied string
}

// seeBoard: who may see a board, and any shared thing.
var seeBoard = []Relation{RelOwner, RelEditor, RelViewer, RelShared, RelPublic, RelAdmin}

// accessTable is DESIGN.md's "Who may do what", whole.
var accessTable = [kindCount][actionCount]rule{
	KindBoard: {
		ActSee:     {seeBoard, ""},
		ActListAll: {[]Relation{RelAdmin}, "Only an administrator can list everyone's boards."},
		ActAdd:     {[]Relation{RelOwner, RelEditor, RelPublic, RelAdmin}, "You cannot add images on this board. Ask its owner for editor access."},
		ActManage:  {[]Relation{RelOwner, RelAdmin}, "Only the board's owner can change it."},
	},
	KindImage: {
		ActSee:             {seeBoard, ""},
		ActChange:          {[]Relation{RelOwner, RelEditor, RelPublic | RelOwnItem, RelAdmin}, "You cannot change this image: it is not yours, and the board does not let you."},
		ActTakeOff:         {[]Relation{RelOwner, RelEditor, RelPublic | RelOwnItem, RelAdmin}, "You cannot take this image off the board: it is not yours, and the board does not let you."},
		ActDelete:          {[]Relation{RelOwner, RelEditor | RelOwnItem, RelPublic | RelOwnItem, RelAdmin}, "You cannot delete this image: it is not yours, and the board is not yours."},
		ActMove:            {[]Relation{RelOwnItem, RelAdmin}, "Only its owner can move this image to another board."},
		ActDeleteWithBoard: {[]Relation{RelOwnItem, RelAdmin}, ""},
	},
	KindLooseImage: { // the owner of an uncategorized image is the owner of the image
		ActSee:    {[]Relation{RelOwner, RelAdmin}, ""},
		ActChange: {[]Relation{RelOwner, RelAdmin}, ""},
		ActDelete: {[]Relation{RelOwner, RelAdmin}, ""},
		ActMove:   {[]Relation{RelOwner, RelAdmin}, "Only its owner can move this image to another board."},
		// someone else's: the Owner relation is to the profile whose they are
		ActListAll: {[]Relation{RelOwner, RelAdmin}, "Uncategorized images are their owner's alone; only an administrator can list someone else's."},
	},
	KindQueueItem: {
		ActSee:      {[]Relation{RelSignedIn}, ""}, // the queue is shared: others see an anonymous row
		ActSeeWhole: {[]Relation{RelOwner, RelAdmin}, ""},
		ActChange:   {[]Relation{RelOwner, RelAdmin}, "This is someone else's queue item: only they or an administrator can change it."},
	},
	KindQueue: {
		ActSee:    {[]Relation{RelSignedIn}, ""},
		ActChange: {[]Relation{RelAdmin}, "Only an administrator can do this."}, // pause, resume
	},
	KindUser: {
		ActManage: {[]Relation{RelAdmin}, "Only an administrator can do this."},
	},
	KindAuditLog: {
		ActSee: {[]Relation{RelAdmin}, "Only an administrator can do this."},
	},
	KindSettings: {
		ActSee:    {[]Relation{RelSignedIn}, ""}, // the errors that enforce them quote them anyway
		ActChange: {[]Relation{RelAdmin}, "Only an administrator can do this."},
	},
	// Workflows and style presets are shared as boards are; to see one is
	// to use it and to copy it ("Save as mine"). Built-in ones belong to
	// the system profile and are shared with everyone, so only admins
	// change them: nobody acts as the system profile.
	KindWorkflow:    libraryRules("workflow"),
	KindStylePreset: libraryRules("style preset"),
	// A backend's address and state are for administrators: they set the
	// servers up, and an address may carry a password.
	KindBackend: {
		ActSee:    {[]Relation{RelAdmin}, "Only an administrator can see the image-generation servers."},
		ActManage: {[]Relation{RelAdmin}, "Only an administrator can set up image-generation servers."},
	},
	// A model is for the profiles an administrator chose: everyone (the
	// model's Public relation) or named ones (Viewer). A model nobody
	// chose for is for administrators only.
	KindModel: {
		ActSee:     {[]Relation{RelPublic, RelViewer, RelAdmin}, ""},
		ActListAll: {[]Relation{RelAdmin}, "Only an administrator can see who may use each model."},
		ActManage:  {[]Relation{RelAdmin}, "Only an administrator can choose who may use a model."},
	},
}

// libraryRules are the rows of a kind of thing kept in each profile's
// library: workflows and style presets.
func libraryRules(noun string) [actionCount]rule {
	return [actionCount]rule{
		ActSee:     {seeBoard, ""},
		ActListAll: {[]Relation{RelAdmin}, "Only an administrator can list everyone's " + noun + "s."},
		ActChange:  {[]Relation{RelOwner, RelEditor, RelAdmin}, "You can use and copy this " + noun + ", not change it. Save a copy as yours, or ask its owner for editor access."},
		ActManage:  {[]Relation{RelOwner, RelAdmin}, "Only the " + noun + "'s owner can choose who sees it."},
		ActDelete:  {[]Relation{RelOwner, RelAdmin}, "Only the " + noun + "'s owner can delete it."},
	}
}

// Allowed reports whether an actor standing in rel to a thing of kind k
// may do a to it.
func Allowed(k Kind, a Action, rel Relation) bool {
	for _, grant := range accessTable[k][a].who {
		if rel&grant == grant {
			return true
		}
	}
	return false
}

// hidden are the kinds that do not exist for whoever may not see them: a
// board or an image one may not see is "not found", never "not allowed",
// so that nobody learns it is there.
var hidden = [kindCount]bool{KindBoard: true, KindImage: true, KindLooseImage: true, KindWorkflow: true, KindStylePreset: true}

// Check returns nil when Allowed, else the error to give: "not found" to
// whoever may not see a hidden kind of thing, and "not allowed", in the
// row's words, to everyone else (and for listing, which names no one thing).
func Check(k Kind, a Action, rel Relation) error {
	if Allowed(k, a, rel) {
		return nil
	}
	if hidden[k] && a != ActListAll && !Allowed(k, ActSee, rel) {
		return NotFound(k)
	}
	msg := accessTable[k][a].denied
	if msg == "" {
		msg = "You are not allowed to do this."
	}
	return Errorf(EFORBIDDEN, "%s", msg)
}

// NotFound is what anyone who may not see a thing of kind k is told of it.
func NotFound(k Kind) error {
	switch k {
	case KindBoard:
		return ErrBoardNotFound
	case KindImage, KindLooseImage:
		return ErrImageNotFound
	case KindUser:
		return ErrUserNotFound
	case KindWorkflow:
		return ErrWorkflowNotFound
	case KindStylePreset:
		return ErrStylePresetNotFound
	}
	return Errorf(ENOTFOUND, "%s not found", strings.ReplaceAll(k.String(), "_", " "))
}

// RelationsOf is how actor stands to a thing owned by owner ("" when it
// is nobody's, like the settings): signed in, its owner, an admin.
func RelationsOf(actor *User, owner string) Relation {
	if actor == nil || !actor.IsActive || actor.UserID == SystemUserID {
		return 0
	}
	rel := RelSignedIn
	if owner != "" && actor.UserID == owner {
		rel |= RelOwner
	}
	if actor.IsAdmin {
		rel |= RelAdmin
	}
	return rel
}
