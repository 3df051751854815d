package desktop

import "easel/app"

// Boards is bound into the window: boards and who they are shared with.
type Boards struct {
	s *Session
	sharing
}

// List returns the boards the signed-in user may see.
func (b *Boards) List(f app.BoardFilter) ([]*app.Board, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	f.All = true
	page, err := b.s.svc.Boards.ListBoards(ctx, f)
	if err != nil {
		return nil, toJS(err)
	}
	return page.Items, nil
}

func (b *Boards) Create(name string) (*app.Board, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	out, err := b.s.svc.Boards.CreateBoard(ctx, name)
	return out, toJS(err)
}

func (b *Boards) Get(boardID string) (*app.Board, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	out, err := b.s.svc.Boards.FindBoard(ctx, boardID)
	return out, toJS(err)
}

func (b *Boards) Update(boardID string, upd app.BoardUpdate) (*app.Board, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	out, err := b.s.svc.Boards.UpdateBoard(ctx, boardID, upd)
	return out, toJS(err)
}

func (b *Boards) Delete(boardID string, includeImages bool) (*app.BulkResult, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	out, err := b.s.svc.Boards.DeleteBoard(ctx, boardID, includeImages)
	return out, toJS(err)
}

func (b *Boards) Bulk(op app.BoardOp, boardIDs []string) (*app.BulkResult, error) {
	ctx, err := b.s.context()
	if err != nil {
		return nil, err
	}
	out, err := b.s.svc.Boards.BulkBoards(ctx, op, boardIDs)
	return out, toJS(err)
}

// Download asks where to save, then writes the board's images there as a
// zip. It returns the path written, or "" when the person cancelled.
func (b *Boards) Download(boardID string) (string, error) {
	ctx, err := b.s.context()
	if err != nil {
		return "", err
	}
	board, err := b.s.svc.Boards.FindBoard(ctx, boardID)
	if err != nil {
		return "", toJS(err)
	}
	images, err := b.s.svc.Images.Downloadable(ctx, boardID, nil)
	if err != nil {
		return "", toJS(err)
	}
	return b.s.saveZip(ctx, board.BoardName, images)
}
