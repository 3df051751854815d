package store_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"easel/app"
)

// TestListTotalsMatchTheLists: after every one of many random changes, each
// profile's listing total (kept as counts) equals the number of boards its
// whole list holds.
func TestListTotalsMatchTheLists(t *testing.T) {
	g := openGallery(t)
	admin := g.setup()
	type person struct {
		id  string
		ctx context.Context
	}
	var people []person
	for _, email := range []string{"a@t.co", "b@t.co", "c@t.co"} {
		u, ctx := g.createUser(admin, email, false)
		people = append(people, person{u.UserID, ctx})
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var boards []*app.Board
	visibilities := []app.Visibility{app.VisibilityPrivate, app.VisibilityShared, app.VisibilityPublic}
	for step := 0; step < 300; step++ {
		p := people[rng.IntN(len(people))]
		switch op := rng.IntN(6); {
		case op == 0 || len(boards) == 0:
			boards = append(boards, g.board(p.ctx, "b"))
		default:
			i := rng.IntN(len(boards))
			b := boards[i]
			owner := admin // an admin may change any board
			switch op {
			case 1:
				v := visibilities[rng.IntN(3)]
				g.boards.UpdateBoard(owner, b.BoardID, app.UpdateVisibility(v))
			case 2:
				g.boards.UpdateBoard(owner, b.BoardID, app.BoardUpdate{Archived: ptr(rng.IntN(2) == 0)})
			case 3:
				role := []app.Role{app.RoleViewer, app.RoleEditor}[rng.IntN(2)]
				g.boards.ShareBoard(owner, b.BoardID, people[rng.IntN(len(people))].id, role)
			case 4:
				g.boards.UnshareBoard(owner, b.BoardID, people[rng.IntN(len(people))].id)
			case 5:
				g.boards.DeleteBoard(owner, b.BoardID, false)
				boards = append(boards[:i], boards[i+1:]...)
			}
		}
		for _, ctx := range append([]context.Context{admin}, people[0].ctx, people[1].ctx, people[2].ctx) {
			page, err := g.boards.ListBoards(ctx, app.BoardFilter{PageRequest: app.PageRequest{Limit: 1}})
			if err != nil {
				t.Fatal(err)
			}
			all, _ := g.boards.ListBoards(ctx, app.BoardFilter{All: true})
			if page.Total != len(all.Items) {
				t.Fatalf("step %d: total %d, but the whole list has %d", step, page.Total, len(all.Items))
			}
		}
	}
}
