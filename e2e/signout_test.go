package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"easel/app/accesstest"
)

// uploadPNG puts an image onto a board over REST and returns its name.
func uploadPNG(t *testing.T, base, token, boardID string, data []byte) string {
	t.Helper()
	status, raw := upload(t, base, token, boardID, "private.png", data)
	var img struct {
		ImageName string `json:"image_name"`
	}
	if status != 201 || json.Unmarshal(raw, &img) != nil {
		t.Fatalf("upload = %d %s", status, raw)
	}
	return img.ImageName
}

// sessionCookie is the browser's easel_session cookie ("" when it has none),
// read through DevTools, since the page itself cannot see an HttpOnly one.
func sessionCookie(t *testing.T, ctx context.Context, base string) string {
	t.Helper()
	// The cookie's path is /api/v1/, not the page's.
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/api/v1/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == "easel_session" {
			return c.Value
		}
	}
	return ""
}

// withCookie asks for path as another program holding the cookie would.
func withCookie(t *testing.T, base, path, cookie string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Cookie", "easel_session="+cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestBrowserSignOutEndsTheCookie: in Chromium, after signing in, a reload
// (the sign-in screen) and Log out each end the session on the server and
// clear its cookie, so the private image URL answers 401 from then on;
// images and thumbnails are never stored by the browser.
func TestBrowserSignOutEndsTheCookie(t *testing.T) {
	s := startServe(t, t.TempDir())
	ada := setupAda(t, s.URL)
	var board struct {
		BoardID string `json:"board_id"`
	}
	rest(t, s.URL, ada, "POST", "/api/v1/boards/?board_name=Private", nil, &board)
	name := uploadPNG(t, s.URL, ada, board.BoardID, accesstest.PNG(7))
	full, thumb := "/api/v1/images/i/"+name+"/full", "/api/v1/images/i/"+name+"/thumbnail"
	ctx := browser(t)

	// fetchStatus asks from Easel's own page, with the cookie, as <img> does.
	type answer struct {
		Status int    `json:"status"`
		Cache  string `json:"cache"`
	}
	fetchStatus := func(path string) (status int, cacheControl string) {
		t.Helper()
		r := evalAwait[answer](t, ctx, `fetch('`+path+`', {credentials: 'same-origin'}).then(r => ({status: r.status, cache: r.headers.get('Cache-Control') || ''}))`)
		return r.Status, r.Cache
	}

	signIn(t, ctx, s.URL, "ada@studio.test", "TestPass123")
	for _, path := range []string{full, thumb} {
		if status, cc := fetchStatus(path); status != 200 || cc != "private, no-store" {
			t.Fatalf("%s signed in = %d, Cache-Control %q; want 200, private, no-store", path, status, cc)
		}
	}
	cookie := sessionCookie(t, ctx, s.URL)
	if cookie == "" {
		t.Fatal("signing in set no session cookie")
	}

	// A reload: the page lost its token and shows the sign-in screen (once
	// it has ended the session its cookie held).
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(tid("login-email")))
	if status, _ := fetchStatus(full); status != 401 {
		t.Fatalf("the image after a reload = %d, want 401", status)
	}
	if c := sessionCookie(t, ctx, s.URL); c != "" {
		t.Fatalf("the browser still holds the session cookie after a reload")
	}
	for _, path := range []string{full, thumb, "/api/v1/boards/" + board.BoardID + "/download", "/api/v1/queue/default/events"} {
		if status := withCookie(t, s.URL, path, cookie); status != 401 {
			t.Fatalf("%s with the old cookie after a reload = %d, want 401: the session lives on", path, status)
		}
	}

	// Log out, from the menu.
	signIn(t, ctx, s.URL, "ada@studio.test", "TestPass123")
	if status, _ := fetchStatus(thumb); status != 200 {
		t.Fatalf("the thumbnail signed in again = %d", status)
	}
	cookie = sessionCookie(t, ctx, s.URL)
	do(t, ctx, "log out", click("user-menu"), click("menu-logout"), chromedp.WaitVisible(tid("login-email")))
	if status, _ := fetchStatus(thumb); status != 401 {
		t.Fatalf("the thumbnail after Log out = %d, want 401", status)
	}
	if c := sessionCookie(t, ctx, s.URL); c != "" {
		t.Fatal("the browser still holds the session cookie after Log out")
	}
	if status := withCookie(t, s.URL, thumb, cookie); status != 401 {
		t.Fatalf("the old cookie after Log out = %d, want 401", status)
	}
	shot(t, ctx, "signed-out")
}
