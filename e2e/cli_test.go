package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"easel/app"
	"easel/store"
)

// TestSecondEaselRefuses: a second Easel on the same data says so and exits
// non-zero at once, whether the first is a server or a window.
func TestSecondEaselRefuses(t *testing.T) {
	data := t.TempDir()
	startServe(t, data)
	for _, args := range [][]string{{"--data", data}, {"serve", "--addr", "127.0.0.1:0", "--data", data}} {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		start := time.Now()
		out, err := exec.CommandContext(ctx, easelBinary(t), args...).CombinedOutput()
		cancel()
		if err == nil || !strings.Contains(string(out), "Easel is already running") {
			t.Fatalf("easel %v: err=%v out=%s", args, err, out)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("easel %v took %v to refuse", args, took)
		}
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	out, err := exec.Command(easelBinary(t), "serve", "--addr", "0.0.0.0:0", "--data", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--allow-remote") {
		t.Fatalf("serve on 0.0.0.0: err=%v out=%s", err, out)
	}
}

// TestAdminResetPassword: an admin who lost their password recovers with
// access to the machine.
func TestAdminResetPassword(t *testing.T) {
	data := t.TempDir()
	db, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewUserService(db).Setup(context.Background(), app.NewUser{Email: "ada@home.test", Password: "forgotten-1"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	cmd := exec.Command(easelBinary(t), "admin", "reset-password", "ADA@home.test", "--data", data)
	cmd.Stdin = strings.NewReader("remembered-2\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "New password set") {
		t.Fatalf("reset: err=%v out=%s", err, out)
	}
	if strings.Contains(string(out), "remembered-2") {
		t.Fatal("the password was echoed")
	}

	s := startServe(t, data)
	resp, err := http.Post(s.URL+"/api/v1/auth/login", "application/json", strings.NewReader(`{"email":"ada@home.test","password":"remembered-2"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 || body["token"] == nil {
		t.Fatalf("login with the new password = %d %v", resp.StatusCode, body)
	}

	cmd = exec.Command(easelBinary(t), "admin", "reset-password", "nobody@home.test", "--data", t.TempDir())
	cmd.Stdin = strings.NewReader("whatever-3\n")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "No profile has the email") {
		t.Fatalf("reset unknown: err=%v out=%s", err, out)
	}
}

func TestDataFolderFromEnvironment(t *testing.T) {
	data := t.TempDir() + "/from-env"
	cmd := exec.Command(easelBinary(t), "admin", "reset-password", "x@y.test")
	cmd.Env = append(os.Environ(), "EASEL_DATA="+data)
	cmd.Stdin = strings.NewReader("whatever-3\n")
	cmd.CombinedOutput()
	if _, err := os.Stat(data + "/" + store.FileName); err != nil {
		t.Fatalf("EASEL_DATA was not used: %v", err)
	}
}

func TestWorkersFlag(t *testing.T) {
	out, err := exec.Command(easelBinary(t), "serve", "--workers", "0", "--data", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "--workers must be between 1 and 16") {
		t.Fatalf("--workers 0: err=%v out=%s", err, out)
	}
}
