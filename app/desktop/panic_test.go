package desktop_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"easel/app"
	"easel/app/accesstest"
	"easel/app/desktop"
	"easel/internal/studiotest"
	"easel/store"
)

// panickyBoards is the real board service but for CreateBoard.
type panickyBoards struct{ app.BoardService }

func (panickyBoards) CreateBoard(context.Context, string) (*app.Board, error) {
	panic("boom at /home/someone/.local/share/easel/easel.db")
}

// panickyImages is the real image service but for Import and full images.
type panickyImages struct{ app.ImageService }

func (panickyImages) Import(context.Context, string, string, io.Reader) (*app.Image, error) {
	panic("boom while importing")
}

func (p panickyImages) OpenImage(ctx context.Context, name string, thumbnail bool) (io.ReadSeekCloser, *app.Image, error) {
	if !thumbnail {
		panic("boom while opening")
	}
	return p.ImageService.OpenImage(ctx, name, thumbnail)
}

type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPanicsGetTheGenericError: a real window session over a real store,
// with two services that panic in places: the bound methods and the asset
// handler answer the generic error, the log has each panic and its stack,
// and the window goes on working.
func TestPanicsGetTheGenericError(t *testing.T) {
	set := studiotest.New(t)
	db, real := set.DB, set.Images
	svc := windowServices(set)
	svc.Boards, svc.Images = panickyBoards{set.Boards}, panickyImages{real}
	logs := &syncLog{}
	s := desktop.NewSession(svc, desktop.WithLog(slog.New(slog.NewTextHandler(logs, nil))))
	b := s.Bindings()
	auth, boards, images := b[0].(*desktop.Auth), b[2].(*desktop.Boards), b[3].(*desktop.Images)
	if _, err := auth.Setup(app.NewUser{Email: "admin@test.com", DisplayName: "Ada", Password: "TestPass123"}); err != nil {
		t.Fatal(err)
	}
	u, err := auth.Login(app.Credentials{Email: "admin@test.com", Password: "TestPass123"})
	if err != nil {
		t.Fatal(err)
	}
	generic := app.ErrorMessage(io.EOF)

	_, err = boards.Create("Holiday")
	if status, detail := jsErr(t, err); status != 500 || detail != generic {
		t.Fatalf("a panicking call = %d %q, want 500 %q", status, detail, generic)
	}
	for _, want := range []string{"panic in the window", "Boards.CreateBoard", "boom at /home/someone", "panic_test.go"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log lacks %q:\n%s", want, logs.String())
		}
	}

	// An import that panics is a refusal in the generic words, not a trace.
	path := filepath.Join(t.TempDir(), "a.png")
	os.WriteFile(path, accesstest.PNG(1), 0o600)
	report, err := images.ImportFiles("", []string{path})
	if err != nil || len(report.Refused) != 1 || report.Refused[0].Reason != generic {
		t.Fatalf("a panicking import = %+v, %v", report, err)
	}

	// The asset handler: the thumbnail comes, not to be kept; the full
	// image's panic is a 500 in the generic words.
	authSvc := store.NewAuthService(db)
	l, err := authSvc.Login(context.Background(), app.Credentials{Email: "admin@test.com", Password: "TestPass123"})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := authSvc.Authenticate(context.Background(), l.Token)
	if err != nil {
		t.Fatal(err)
	}
	img, err := real.Import(app.NewContextWithActor(context.Background(), actor), "", "b.png", bytes.NewReader(accesstest.PNG(2)))
	if err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]int{"thumbnail": 200, "full": 500} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/images/i/"+img.ImageName+"/"+kind, nil))
		if rec.Code != want || rec.Header().Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s = %d, Cache-Control %q; want %d, private, no-store", kind, rec.Code, rec.Header().Get("Cache-Control"), want)
		}
		if want == 500 && strings.TrimSpace(rec.Body.String()) != generic {
			t.Errorf("%s answered %q", kind, rec.Body.String())
		}
	}

	// And the window goes on.
	if me, err := auth.Me(); err != nil || me.UserID != u.UserID {
		t.Fatalf("after the panics: %v, %v", me, err)
	}
}
