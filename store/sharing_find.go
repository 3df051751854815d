package store

import (
	"easel/app"
	"easel/store/kv"
)

// A record of a shareable kind begins with its sharedHead; head gives it.
func (h *sharedHead) head() *sharedHead { return h }

// sharedRecord is a pointer to a record of a shareable kind.
type sharedRecord[T any] interface {
	*T
	head() *sharedHead
}

// find finds the thing of kind k with id (get reads its record, nil when
// there is none) and the actor's access to it, and asks the access table
// whether they may do act. To an actor who may not see it, it does not
// exist. Every shareable kind's services look their things up this way.
func find[T any, P sharedRecord[T]](tx kv.Tx, actor *userRecord, k *sharedKind, get func(kv.Tx, string) (P, error), id string, act app.Action) (P, app.Access, error) {
	r, err := get(tx, id)
	if err != nil {
		return nil, app.Access{}, err
	}
	if r == nil {
		return nil, app.Access{}, app.NotFound(k.kind)
	}
	acc := k.accessOf(tx, actor, r.head())
	return r, acc, app.Check(k.kind, act, acc.Relations())
}

// headsBy is get as sharingService reads it: the head of the thing with
// an id, nil when there is none.
func headsBy[T any, P sharedRecord[T]](get func(kv.Tx, string) (P, error)) func(kv.Tx, string) (*sharedHead, error) {
	return func(tx kv.Tx, id string) (*sharedHead, error) {
		r, err := get(tx, id)
		if err != nil || r == nil {
			return nil, err
		}
		return r.head(), nil
	}
}
