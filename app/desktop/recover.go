package desktop

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"

	"easel/app"
)

// Wails calls the bound methods with no recover of its own: a panic in one
// would end the window and whatever is open in it. Every service call the
// window makes goes through the wrappers below (NewSession puts them
// around the services), so a panic anywhere under a bound method, the
// asset handler or the idle lock becomes the generic internal error for
// the page, and the log gets the panic with its stack. The page never
// sees a trace.
//
// A method added to a service interface is promoted unwrapped from the
// embedded service until it gets its wrapper here;
// TestEveryServiceCallIsGuarded names any that has none.

// errPanicked is what a call that panicked returns: the words of any
// error that is not Easel's own, with the code that makes it a 500.
var errPanicked = &app.Error{Code: app.EINTERNAL, Message: app.ErrorMessage(fmt.Errorf("panic"))}

// recoverPanic, deferred with the call's error result, turns a panic into
// errPanicked and logs it.
func (s *Session) recoverPanic(call string, err *error) {
	if p := recover(); p != nil { // recover works only here, in the deferred call itself
		s.logPanic(call, p)
		*err = errPanicked
	}
}

// logPanic logs a recovered panic with the stack that raised it.
func (s *Session) logPanic(call string, p any) {
	s.logger().Error("panic in the window", "call", call, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}

func (s *Session) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// guard wraps each service of svc (those that are set).
func (s *Session) guard(svc Services) Services {
	if svc.Auth != nil {
		svc.Auth = guardedAuth{svc.Auth, s}
	}
	if svc.Users != nil {
		svc.Users = guardedUsers{svc.Users, s}
	}
	if svc.Boards != nil {
		svc.Boards = guardedBoards{svc.Boards, s}
	}
	if svc.Images != nil {
		svc.Images = guardedImages{svc.Images, s}
	}
	if svc.Queue != nil {
		svc.Queue = guardedQueue{svc.Queue, s}
	}
	if svc.Settings != nil {
		svc.Settings = guardedSettings{svc.Settings, s}
	}
	if svc.Library != nil {
		svc.Library = guardedLibrary{libraryCalls{svc.Library}, guardedSharing{svc.Library, s, "Library"}, s}
	}
	if svc.Presets != nil {
		svc.Presets = guardedPresets{presetCalls{svc.Presets}, guardedSharing{svc.Presets, s, "Presets"}, s}
	}
	if svc.Generation != nil {
		svc.Generation = guardedGeneration{svc.Generation, s}
	}
	return svc
}

type guardedAuth struct {
	app.AuthService
	s *Session
}

func (g guardedAuth) Login(ctx context.Context, c app.Credentials) (_ *app.Login, err error) {
	defer g.s.recoverPanic("Auth.Login", &err)
	return g.AuthService.Login(ctx, c)
}

func (g guardedAuth) Authenticate(ctx context.Context, token string) (_ *app.Actor, err error) {
	defer g.s.recoverPanic("Auth.Authenticate", &err)
	return g.AuthService.Authenticate(ctx, token)
}

func (g guardedAuth) Logout(ctx context.Context) (err error) {
	defer g.s.recoverPanic("Auth.Logout", &err)
	return g.AuthService.Logout(ctx)
}

type guardedUsers struct {
	app.UserService
	s *Session
}

func (g guardedUsers) SetupRequired(ctx context.Context) (_ bool, err error) {
	defer g.s.recoverPanic("Users.SetupRequired", &err)
	return g.UserService.SetupRequired(ctx)
}

func (g guardedUsers) Setup(ctx context.Context, u app.NewUser) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.Setup", &err)
	return g.UserService.Setup(ctx, u)
}

func (g guardedUsers) ProfileTiles(ctx context.Context) (_ []app.ProfileTile, err error) {
	defer g.s.recoverPanic("Users.ProfileTiles", &err)
	return g.UserService.ProfileTiles(ctx)
}

func (g guardedUsers) Me(ctx context.Context) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.Me", &err)
	return g.UserService.Me(ctx)
}

func (g guardedUsers) UpdateMe(ctx context.Context, upd app.ProfileUpdate) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.UpdateMe", &err)
	return g.UserService.UpdateMe(ctx, upd)
}

func (g guardedUsers) Preferences(ctx context.Context) (_ app.Preferences, err error) {
	defer g.s.recoverPanic("Users.Preferences", &err)
	return g.UserService.Preferences(ctx)
}

func (g guardedUsers) SetPreferences(ctx context.Context, p app.Preferences) (_ app.Preferences, err error) {
	defer g.s.recoverPanic("Users.SetPreferences", &err)
	return g.UserService.SetPreferences(ctx, p)
}

func (g guardedUsers) ListUsers(ctx context.Context, r app.PageRequest) (_ *app.UserPage, err error) {
	defer g.s.recoverPanic("Users.ListUsers", &err)
	return g.UserService.ListUsers(ctx, r)
}

func (g guardedUsers) FindUser(ctx context.Context, userID string) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.FindUser", &err)
	return g.UserService.FindUser(ctx, userID)
}

func (g guardedUsers) CreateUser(ctx context.Context, u app.NewUser) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.CreateUser", &err)
	return g.UserService.CreateUser(ctx, u)
}

func (g guardedUsers) UpdateUser(ctx context.Context, userID string, upd app.UserUpdate) (_ *app.User, err error) {
	defer g.s.recoverPanic("Users.UpdateUser", &err)
	return g.UserService.UpdateUser(ctx, userID, upd)
}

func (g guardedUsers) DeleteUser(ctx context.Context, userID string) (err error) {
	defer g.s.recoverPanic("Users.DeleteUser", &err)
	return g.UserService.DeleteUser(ctx, userID)
}

type guardedBoards struct {
	app.BoardService
	s *Session
}

func (g guardedBoards) CreateBoard(ctx context.Context, name string) (_ *app.Board, err error) {
	defer g.s.recoverPanic("Boards.CreateBoard", &err)
	return g.BoardService.CreateBoard(ctx, name)
}

func (g guardedBoards) FindOrCreateBoard(ctx context.Context, name string) (_ *app.Board, err error) {
	defer g.s.recoverPanic("Boards.FindOrCreateBoard", &err)
	return g.BoardService.FindOrCreateBoard(ctx, name)
}

func (g guardedBoards) FindBoard(ctx context.Context, boardID string) (_ *app.Board, err error) {
	defer g.s.recoverPanic("Boards.FindBoard", &err)
	return g.BoardService.FindBoard(ctx, boardID)
}

func (g guardedBoards) ListBoards(ctx context.Context, f app.BoardFilter) (_ *app.BoardPage, err error) {
	defer g.s.recoverPanic("Boards.ListBoards", &err)
	return g.BoardService.ListBoards(ctx, f)
}

func (g guardedBoards) UpdateBoard(ctx context.Context, boardID string, upd app.BoardUpdate) (_ *app.Board, err error) {
	defer g.s.recoverPanic("Boards.UpdateBoard", &err)
	return g.BoardService.UpdateBoard(ctx, boardID, upd)
}

func (g guardedBoards) DeleteBoard(ctx context.Context, boardID string, includeImages bool) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Boards.DeleteBoard", &err)
	return g.BoardService.DeleteBoard(ctx, boardID, includeImages)
}

func (g guardedBoards) BulkBoards(ctx context.Context, op app.BoardOp, boardIDs []string) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Boards.BulkBoards", &err)
	return g.BoardService.BulkBoards(ctx, op, boardIDs)
}

func (g guardedBoards) ListShares(ctx context.Context, boardID string) (_ []app.Share, err error) {
	defer g.s.recoverPanic("Boards.ListShares", &err)
	return g.BoardService.ListShares(ctx, boardID)
}

func (g guardedBoards) ShareBoard(ctx context.Context, boardID, userID string, role app.Role) (_ *app.Share, err error) {
	defer g.s.recoverPanic("Boards.ShareBoard", &err)
	return g.BoardService.ShareBoard(ctx, boardID, userID, role)
}

func (g guardedBoards) UnshareBoard(ctx context.Context, boardID, userID string) (err error) {
	defer g.s.recoverPanic("Boards.UnshareBoard", &err)
	return g.BoardService.UnshareBoard(ctx, boardID, userID)
}

func (g guardedBoards) ShareCandidates(ctx context.Context, boardID string) (_ []app.ProfileTile, err error) {
	defer g.s.recoverPanic("Boards.ShareCandidates", &err)
	return g.BoardService.ShareCandidates(ctx, boardID)
}

type guardedImages struct {
	app.ImageService
	s *Session
}

func (g guardedImages) Import(ctx context.Context, boardID, fileName string, r io.Reader) (_ *app.Image, err error) {
	defer g.s.recoverPanic("Images.Import", &err)
	return g.ImageService.Import(ctx, boardID, fileName, r)
}

func (g guardedImages) Add(ctx context.Context, img app.NewImage) (_ *app.Image, err error) {
	defer g.s.recoverPanic("Images.Add", &err)
	return g.ImageService.Add(ctx, img)
}

func (g guardedImages) FindImage(ctx context.Context, name string) (_ *app.Image, err error) {
	defer g.s.recoverPanic("Images.FindImage", &err)
	return g.ImageService.FindImage(ctx, name)
}

func (g guardedImages) ListImages(ctx context.Context, f app.ImageFilter) (_ *app.ImagePage, err error) {
	defer g.s.recoverPanic("Images.ListImages", &err)
	return g.ImageService.ListImages(ctx, f)
}

func (g guardedImages) ImageNames(ctx context.Context, boardID string) (_ []string, err error) {
	defer g.s.recoverPanic("Images.ImageNames", &err)
	return g.ImageService.ImageNames(ctx, boardID)
}

func (g guardedImages) UpdateImage(ctx context.Context, name string, upd app.ImageUpdate) (_ *app.Image, err error) {
	defer g.s.recoverPanic("Images.UpdateImage", &err)
	return g.ImageService.UpdateImage(ctx, name, upd)
}

func (g guardedImages) OpenImage(ctx context.Context, name string, thumbnail bool) (_ io.ReadSeekCloser, _ *app.Image, err error) {
	defer g.s.recoverPanic("Images.OpenImage", &err)
	return g.ImageService.OpenImage(ctx, name, thumbnail)
}

func (g guardedImages) DeleteImages(ctx context.Context, names []string) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Images.DeleteImages", &err)
	return g.ImageService.DeleteImages(ctx, names)
}

func (g guardedImages) StarImages(ctx context.Context, names []string, starred bool) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Images.StarImages", &err)
	return g.ImageService.StarImages(ctx, names, starred)
}

func (g guardedImages) AddToBoard(ctx context.Context, boardID string, names []string) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Images.AddToBoard", &err)
	return g.ImageService.AddToBoard(ctx, boardID, names)
}

func (g guardedImages) RemoveFromBoard(ctx context.Context, names []string) (_ *app.BulkResult, err error) {
	defer g.s.recoverPanic("Images.RemoveFromBoard", &err)
	return g.ImageService.RemoveFromBoard(ctx, names)
}

func (g guardedImages) Downloadable(ctx context.Context, boardID string, names []string) (_ []*app.Image, err error) {
	defer g.s.recoverPanic("Images.Downloadable", &err)
	return g.ImageService.Downloadable(ctx, boardID, names)
}

type guardedQueue struct {
	app.QueueService
	s *Session
}

func (g guardedQueue) Enqueue(ctx context.Context, b app.Batch, priority int) (_ *app.EnqueueResult, err error) {
	defer g.s.recoverPanic("Queue.Enqueue", &err)
	return g.QueueService.Enqueue(ctx, b, priority)
}

func (g guardedQueue) ListItems(ctx context.Context, f app.QueueFilter) (_ *app.QueuePage, err error) {
	defer g.s.recoverPanic("Queue.ListItems", &err)
	return g.QueueService.ListItems(ctx, f)
}

func (g guardedQueue) FindItem(ctx context.Context, id uint64) (_ *app.QueueItem, err error) {
	defer g.s.recoverPanic("Queue.FindItem", &err)
	return g.QueueService.FindItem(ctx, id)
}

func (g guardedQueue) Status(ctx context.Context) (_ *app.QueueStatusReport, err error) {
	defer g.s.recoverPanic("Queue.Status", &err)
	return g.QueueService.Status(ctx)
}

func (g guardedQueue) CancelItem(ctx context.Context, id uint64) (_ *app.QueueItem, err error) {
	defer g.s.recoverPanic("Queue.CancelItem", &err)
	return g.QueueService.CancelItem(ctx, id)
}

func (g guardedQueue) DeleteItem(ctx context.Context, id uint64) (err error) {
	defer g.s.recoverPanic("Queue.DeleteItem", &err)
	return g.QueueService.DeleteItem(ctx, id)
}

func (g guardedQueue) Retry(ctx context.Context, ids []uint64) (_ []uint64, err error) {
	defer g.s.recoverPanic("Queue.Retry", &err)
	return g.QueueService.Retry(ctx, ids)
}

func (g guardedQueue) CancelBatches(ctx context.Context, batchIDs []string) (_ int, err error) {
	defer g.s.recoverPanic("Queue.CancelBatches", &err)
	return g.QueueService.CancelBatches(ctx, batchIDs)
}

func (g guardedQueue) Clear(ctx context.Context) (_ int, err error) {
	defer g.s.recoverPanic("Queue.Clear", &err)
	return g.QueueService.Clear(ctx)
}

func (g guardedQueue) Prune(ctx context.Context) (_ int, err error) {
	defer g.s.recoverPanic("Queue.Prune", &err)
	return g.QueueService.Prune(ctx)
}

func (g guardedQueue) SetPaused(ctx context.Context, paused bool) (err error) {
	defer g.s.recoverPanic("Queue.SetPaused", &err)
	return g.QueueService.SetPaused(ctx, paused)
}

type guardedSettings struct {
	app.SettingsService
	s *Session
}

func (g guardedSettings) Settings(ctx context.Context) (_ *app.Settings, err error) {
	defer g.s.recoverPanic("Settings.Settings", &err)
	return g.SettingsService.Settings(ctx)
}

func (g guardedSettings) UpdateSettings(ctx context.Context, upd app.SettingsUpdate) (_ *app.Settings, err error) {
	defer g.s.recoverPanic("Settings.UpdateSettings", &err)
	return g.SettingsService.UpdateSettings(ctx, upd)
}
