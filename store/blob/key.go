package blob

import "strings"

// Kind is what a blob is to an image. Its value is the stable name that
// implementations keep the kind under (a folder on the disk, a key prefix
// in an object store): existing data depends on it, so it never changes.
type Kind string

// The kinds of blob an image has.
const (
	Image     Kind = "images"
	Thumbnail Kind = "thumbnails"
)

// Kinds lists every kind: the blobs that Remove deletes together.
func Kinds() []Kind { return []Kind{Image, Thumbnail} }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return k == Image || k == Thumbnail }

// Ref names an image's blobs, of every kind: its owner and its name.
type Ref struct {
	Owner, Name string
}

// Key is one blob: an image's blob of one kind.
func (r Ref) Key(k Kind) Key { return Key{Kind: k, Owner: r.Owner, Name: r.Name} }

// Valid reports whether owner and name are each a valid element (see
// ValidElement).
func (r Ref) Valid() bool { return ValidElement(r.Owner) && ValidElement(r.Name) }

func (r Ref) String() string { return r.Owner + "/" + r.Name }

// Key names one blob.
type Key struct {
	Kind        Kind
	Owner, Name string
}

// Ref names the image the blob belongs to.
func (k Key) Ref() Ref { return Ref{Owner: k.Owner, Name: k.Name} }

// Valid reports whether every part of k is valid; an implementation
// refuses any other key with ErrInvalidKey.
func (k Key) Valid() bool { return k.Kind.Valid() && k.Ref().Valid() }

func (k Key) String() string { return string(k.Kind) + "/" + k.Owner + "/" + k.Name }

// ValidElement reports whether s can be an owner or a name: one element
// of a path, so that no key reaches outside its kind and owner (".." or a
// slash from a damaged record or journal); not beginning with a dot, which
// implementations keep for their own temporaries; and no control
// character, which would break a line of a journal into two.
func ValidElement(s string) bool {
	if s == "" || s[0] == '.' || strings.ContainsAny(s, `/\`) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}
