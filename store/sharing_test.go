package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"easel/app"
	"easel/store/kv"
)

// widgets are a shareable kind that exists only in this test: sharing must
// serve a kind other than boards with nothing but its bucket names. A
// random run of creations, changes, grants, revocations, removals and
// deleted users is checked after every step against a plain model of who
// may list what.
var widgets = &sharedKind{
	kind: app.KindBoard /* only its name is read */, ids: []byte("w_ids"), records: []byte("w_records"),
	byOwner: []byte("w_by_owner"), visible: []byte("w_visible"),
	grants: []byte("w_grants"), grantsByUser: []byte("w_grants_by_user"), counts: []byte("w_counts"),
}

type modelWidget struct {
	head   sharedHead
	grants map[string]app.Role
}

// encodeWidget is a record as sharing expects it: format, flags, then anything.
func encodeWidget(h *sharedHead) []byte {
	return append([]byte{1, h.flags(app.RoleNone)}, h.ID...)
}

func TestSharingServesAnyKind(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	users := []string{"ann", "bob", "cat", "dan"}
	err = db.kv.Update(func(tx kv.Tx) error {
		for _, name := range widgets.buckets() {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(8, 2))
	model := map[string]*modelWidget{}
	ids := func() []string {
		out := make([]string, 0, len(model))
		for id := range model {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	pick := func() *modelWidget {
		all := ids()
		if len(all) == 0 {
			return nil
		}
		return model[all[rng.IntN(len(all))]]
	}
	visibilities := []app.Visibility{app.VisibilityPrivate, app.VisibilityShared, app.VisibilityPublic}
	for step := range 400 {
		var what string
		err := db.kv.Update(func(tx kv.Tx) error {
			w := pick()
			switch op := rng.IntN(10); {
			case op < 3 || w == nil:
				owner := users[rng.IntN(len(users))]
				h, err := widgets.newHead(tx, fmt.Sprintf("w%03d", step), owner)
				if err != nil {
					return err
				}
				model[h.ID] = &modelWidget{head: h, grants: map[string]app.Role{}}
				what = "create " + h.ID + " of " + owner
				return widgets.create(tx, &h, encodeWidget(&h))
			case op < 5:
				after := w.head
				after.Visibility = visibilities[rng.IntN(3)]
				after.Archived = rng.IntN(4) == 0
				what = fmt.Sprintf("change %s to %s archived=%v", w.head.ID, after.Visibility, after.Archived)
				if err := widgets.change(tx, &w.head, &after, encodeWidget(&after)); err != nil {
					return err
				}
				w.head = after
			case op < 7:
				u := users[rng.IntN(len(users))]
				role := []app.Role{app.RoleViewer, app.RoleEditor}[rng.IntN(2)]
				what = fmt.Sprintf("grant %s %s to %s", w.head.ID, role, u)
				_, err := widgets.grantTo(tx, &w.head, &userRecord{User: app.User{UserID: u, DisplayName: u}}, u, role, db.now())
				if u == w.head.Owner {
					if app.ErrorCode(err) != app.EINVALID {
						return fmt.Errorf("granting the owner their own widget: %v, want EINVALID", err)
					}
					return nil
				}
				if err == nil {
					w.grants[u] = role
				}
				return err
			case op < 8:
				u := users[rng.IntN(len(users))]
				what = "revoke " + w.head.ID + " from " + u
				err := widgets.revoke(tx, &w.head, u)
				if _, had := w.grants[u]; !had {
					if app.ErrorCode(err) != app.ENOTFOUND {
						return fmt.Errorf("revoking a grant never made: %v, want ENOTFOUND", err)
					}
					return nil
				}
				delete(w.grants, u)
				return err
			case op < 9:
				what = "remove " + w.head.ID
				delete(model, w.head.ID)
				return widgets.remove(tx, &w.head)
			default:
				u := users[rng.IntN(len(users))]
				what = "forget " + u
				for _, w := range model {
					delete(w.grants, u)
				}
				return widgets.forgetUser(tx, u)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("step %d (%s): %v", step, what, err)
		}
		checkSharingModel(t, db, model, users, fmt.Sprintf("after step %d (%s)", step, what))
	}
}

// checkSharingModel compares every listing and total with the model's.
func checkSharingModel(t *testing.T, db *DB, model map[string]*modelWidget, users []string, when string) {
	t.Helper()
	all := make([]*modelWidget, 0, len(model))
	for _, w := range model {
		all = append(all, w)
	}
	slices.SortFunc(all, func(a, b *modelWidget) int { return int(b.head.Seq) - int(a.head.Seq) })
	describe := func(seqs []uint64, roles []app.Role) string { return fmt.Sprint(seqs, roles) }
	db.kv.View(func(tx kv.Tx) error {
		for _, archived := range []bool{false, true} {
			for _, u := range users {
				var wantSeqs []uint64
				var wantRoles []app.Role
				for _, w := range all {
					if w.head.Archived && !archived {
						continue
					}
					if role, ok := w.grants[u]; ok || w.head.Owner == u || w.head.Visibility != app.VisibilityPrivate {
						wantSeqs, wantRoles = append(wantSeqs, w.head.Seq), append(wantRoles, role)
					}
				}
				for _, l := range []listing{{includeArchived: archived, all: true}, {includeArchived: archived, offset: 1, limit: 3}} {
					entries, total, _ := widgets.visibleTo(tx, u, l)
					var seqs []uint64
					var roles []app.Role
					for _, e := range entries {
						seqs, roles = append(seqs, e.seq), append(roles, e.role)
					}
					ws, wr := wantSeqs, wantRoles
					if !l.all {
						lo, hi := min(l.offset, len(ws)), min(l.offset+l.limit, len(ws))
						ws, wr = ws[lo:hi], wr[lo:hi]
					}
					if describe(seqs, roles) != describe(ws, wr) || total != len(wantSeqs) {
						t.Fatalf("%s: %s's listing %+v is %s of %d, want %s of %d", when, u, l, describe(seqs, roles), total, describe(ws, wr), len(wantSeqs))
					}
				}
				// Page by page with the cursors, three at a time: each once, in order.
				var paged []uint64
				for l, pages := (listing{includeArchived: archived, limit: 3}), 0; ; pages++ {
					entries, total, next := widgets.visibleTo(tx, u, l)
					if total != len(wantSeqs) || pages > len(wantSeqs) {
						t.Fatalf("%s: %s's page %d by cursor: total %d, want %d", when, u, pages, total, len(wantSeqs))
					}
					for _, e := range entries {
						paged = append(paged, e.seq)
					}
					if next == "" {
						break
					}
					var err error
					if l, err = listingOf(app.PageRequest{Cursor: next, Limit: 3}, archived, false); err != nil {
						t.Fatalf("%s: the cursor %q: %v", when, next, err)
					}
				}
				if fmt.Sprint(paged) != fmt.Sprint(wantSeqs) {
					t.Fatalf("%s: %s's pages by cursor give %v, want %v", when, u, paged, wantSeqs)
				}
			}
			var want []uint64
			for _, w := range all {
				if !w.head.Archived || archived {
					want = append(want, w.head.Seq)
				}
			}
			l := listing{includeArchived: archived, limit: 5}
			var got []uint64
			total, next, err := widgets.everything(tx, l, func(v []byte) error {
				got = append(got, model[string(v[2:])].head.Seq)
				return nil
			})
			if err != nil || fmt.Sprint(got) != fmt.Sprint(want[:min(5, len(want))]) || total != len(want) || (next != "") != (len(want) > 5) {
				t.Fatalf("%s: the admin's first page is %v of %d (%v), want %v of %d", when, got, total, err, want[:min(5, len(want))], len(want))
			}
			got = got[:0]
			for l, pages := (listing{includeArchived: archived, limit: 2}), 0; pages <= len(want); pages++ {
				_, next, err := widgets.everything(tx, l, func(v []byte) error {
					got = append(got, model[string(v[2:])].head.Seq)
					return nil
				})
				if err != nil || next == "" {
					break
				}
				if l, err = listingOf(app.PageRequest{Cursor: next, Limit: 2}, archived, false); err != nil {
					t.Fatalf("%s: the cursor %q: %v", when, next, err)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s: the admin's pages by cursor give %v, want %v", when, got, want)
			}
		}
		return nil
	})
}
