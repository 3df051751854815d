package app

import (
	"context"
	"image"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"time"
)

// Image generation runs on the household's own servers, "backends":
// AUTOMATIC1111 or its forks with --api, SD.Next, or stable-diffusion.cpp's
// sd-server, which Easel can also run itself. Those servers know nothing of
// profiles; Easel keeps ownership, fairness and privacy in front of them.

// Backend kinds.
const (
	// BackendA1111 is a server speaking A1111's /sdapi/v1 at URL:
	// AUTOMATIC1111, Forge, SD.Next, or an sd-server someone else runs.
	BackendA1111 = "a1111"
	// BackendSDServer is stable-diffusion.cpp's sd-server, started by
	// Easel as a child process on 127.0.0.1 with ModelFile loaded.
	BackendSDServer = "sd_server"
)

// Backend is one generation server as an administrator set it up.
type Backend struct {
	// Name names the backend in Settings, in messages and in model ids
	// ("<name>/<model>"): 1 to 40 letters, digits, '-' or '_'.
	Name string `json:"name"`
	Kind string `json:"kind"`
	// URL is where an A1111-compatible server answers: http://host:port.
	URL string `json:"url,omitempty"`
	// Remote allows a URL that is not on this computer. Its traffic,
	// prompts and pictures included, is not encrypted.
	Remote bool `json:"remote"`
	// Executable and ModelFile are the sd-server program and the model
	// it loads, for BackendSDServer.
	Executable string `json:"executable,omitempty"`
	ModelFile  string `json:"model_file,omitempty"`
	// FromCommandLine marks a backend given with --backend NAME=URL: it
	// lasts for this run of Easel and Settings cannot change it.
	FromCommandLine bool `json:"from_command_line"`
}

var backendName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// Check says what is wrong with b, in words for the administrator.
func (b Backend) Check() error {
	if !backendName.MatchString(b.Name) {
		return Errorf(EINVALID, "A backend's name is 1 to 40 letters, digits, '-' or '_' (not %q).", b.Name)
	}
	switch b.Kind {
	case BackendA1111:
		u, err := url.Parse(b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Errorf(EINVALID, "Backend %s: the address must look like http://127.0.0.1:7860 (not %q).", b.Name, b.URL)
		}
		if !b.Remote && !IsLoopbackHost(u.Hostname()) {
			return Errorf(EINVALID, "Backend %s: %s is not on this computer. Tick \"on another computer\" to use it; its traffic is not encrypted.", b.Name, u.Hostname())
		}
	case BackendSDServer:
		if !filepath.IsAbs(b.Executable) || !filepath.IsAbs(b.ModelFile) {
			return Errorf(EINVALID, "Backend %s: choose the sd-server program and a model file (full paths).", b.Name)
		}
	default:
		return Errorf(EINVALID, "Backend %s: the kind must be %q or %q, not %q.", b.Name, BackendA1111, BackendSDServer, b.Kind)
	}
	return nil
}

// IsLoopbackHost reports whether host (a name or an address) is this
// computer: localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RedactedURL is a backend's address as Settings shows it: with its
// password, if any (A1111's --api-auth), as "xxxxx". The password stays in
// Easel; a backend sent back with its address so shown keeps the one kept
// (see KeepPassword).
func RedactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// KeepPassword is b with the address kept, when b comes back from
// Settings with that address as RedactedURL showed it.
func (b Backend) KeepPassword(kept Backend) Backend {
	if b.Name == kept.Name && b.URL != kept.URL && b.URL == RedactedURL(kept.URL) {
		b.URL = kept.URL
	}
	return b
}

// CheckBackends checks each backend and that no two share a name.
func CheckBackends(bs []Backend) error {
	seen := map[string]bool{}
	for _, b := range bs {
		if err := b.Check(); err != nil {
			return err
		}
		if seen[b.Name] {
			return Errorf(EINVALID, "Two backends are named %s; give each its own name.", b.Name)
		}
		seen[b.Name] = true
	}
	return nil
}

// Backend states, as Settings shows them.
const (
	BackendReachable   = "reachable"   // it answered the last time Easel asked
	BackendUnreachable = "unreachable" // it did not: LastError says why
	BackendStarting    = "starting"    // Easel started sd-server and waits for it to answer
	BackendRestarting  = "restarting"  // sd-server stopped; Easel starts it again after a pause
)

// BackendStatus is a backend with what Easel knows of it now.
type BackendStatus struct {
	Backend
	State     string    `json:"state"`
	Models    []Model   `json:"models"`
	Samplers  []string  `json:"samplers"`
	LastError string    `json:"last_error,omitempty"`
	CheckedAt time.Time `json:"checked_at"`
}

// Model is a model a backend offers.
type Model struct {
	// ID is what a txt2img or img2img node's model field holds:
	// "<backend>/<name>".
	ID      string `json:"id"`
	Name    string `json:"name"` // as the backend lists it (A1111's model_name)
	Backend string `json:"backend"`
}

// ModelID is the id of the model name on the backend named backend.
func ModelID(backend, name string) string { return backend + "/" + name }

// ModelAccess is who may use a model, besides administrators: everyone,
// or the profiles named. A model nobody chose for is for administrators.
type ModelAccess struct {
	Model    string   `json:"model"` // a Model.ID
	Everyone bool     `json:"everyone"`
	UserIDs  []string `json:"user_ids"`
}

// ModelGrant is a model the backends offer, or one someone was given that
// none offers now, with who may use it.
type ModelGrant struct {
	Model  Model       `json:"model"`
	Access ModelAccess `json:"access"`
	// Offered is false for a model no reachable backend lists now.
	Offered bool `json:"offered"`
}

// GenerationJob is one picture to make.
type GenerationJob struct {
	Model          string // a Model.ID
	Prompt         string
	NegativePrompt string
	Width, Height  int
	Steps          int
	CFGScale       float64
	Sampler        string
	Seed           int64
	// Init is img2img's input image, nil for txt2img; Strength (0 to 1)
	// is how far the picture may move from it.
	Init     image.Image
	Strength float64
}

// GenerationProgress is how far a job has come: Step of Steps, and a
// preview of the picture so far when the backend gives one.
type GenerationProgress struct {
	Step, Steps int
	Preview     image.Image
}

// GenerationResult is a finished job's picture and what made it.
type GenerationResult struct {
	Image   image.Image
	Seed    int64 // the seed the backend used
	Backend string
	Model   string // the model's name on the backend
	Sampler string
}

// Generator makes pictures on one backend. Generate blocks until the
// picture is made; when ctx ends it interrupts the backend's job and
// returns ctx's error. progress (never nil) is called from Generate's
// goroutine. Failures are *Error with a message naming the backend and
// saying what to do.
type Generator interface {
	Generate(ctx context.Context, job GenerationJob, progress func(GenerationProgress)) (*GenerationResult, error)
}

// BackendRuntime is the running side of the backends: clients, the
// sd-server processes Easel supervises, and what each last answered.
type BackendRuntime interface {
	// Configure makes the backends these: it starts what is new, stops
	// what is gone and replaces what changed. It does not wait for
	// servers to answer.
	Configure(backends []Backend)
	// Statuses is every configured backend's status, by name.
	Statuses() []BackendStatus
	// Test asks the backend afresh for its models and samplers.
	Test(ctx context.Context, name string) (*BackendStatus, error)
	// Generator is the backend offering the model, taking one job at a
	// time; ENOTFOUND when no configured backend offers it.
	Generator(modelID string) (Generator, error)
	// Stop stops every sd-server Easel started.
	Stop()
}

// GenerationService is the backends and who may use their models. All but
// Models and Generator are for administrators.
type GenerationService interface {
	// Backends is every backend with its status.
	Backends(ctx context.Context) ([]BackendStatus, error)
	// SetBackends replaces the backends Settings keeps (those from the
	// command line stay as they are).
	SetBackends(ctx context.Context, backends []Backend) ([]BackendStatus, error)
	TestBackend(ctx context.Context, name string) (*BackendStatus, error)
	// Models is the models the caller may use, from the backends that
	// answer now.
	Models(ctx context.Context) ([]Model, error)
	// ModelGrants is every model offered or given, with who may use it.
	ModelGrants(ctx context.Context) ([]ModelGrant, error)
	SetModelAccess(ctx context.Context, access ModelAccess) (*ModelAccess, error)
	// Generator is the backend for a model the caller may use, for the
	// queue's worker acting as an item's owner.
	Generator(ctx context.Context, modelID string) (Generator, error)
}

// Audit actions of the generation settings.
const (
	AuditBackendsChanged = "backends_changed"
	AuditModelAccess     = "model_access_changed"
)
