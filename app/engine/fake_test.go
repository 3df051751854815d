package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"sync"
	"testing"

	"easel/app"
)

// fakeContext is a Context over a map of images. The real one is the
// queue's (app/render) and is tested there; this one records what the
// engine asks of it.
type fakeContext struct {
	context.Context
	cancel  context.CancelFunc
	mu      sync.Mutex
	images  map[string]image.Image
	loadErr error // returned by every LoadImage when set
	saveErr error
	loads   []string
	saves   []savedImage
}

type savedImage struct {
	Name  string
	Image image.Image
	Board BoardRef
	Meta  Metadata
}

func newFake(t testing.TB) *fakeContext {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &fakeContext{Context: ctx, cancel: cancel, images: map[string]image.Image{}}
}

func (f *fakeContext) LoadImage(name string) (image.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads = append(f.loads, name)
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	img, ok := f.images[name]
	if !ok {
		return nil, app.ErrImageNotFound
	}
	return img, nil
}

func (f *fakeContext) SaveImage(img image.Image, board BoardRef, meta Metadata) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return "", f.saveErr
	}
	name := fmt.Sprintf("00000000-0000-4000-8000-%012d.png", len(f.saves)+1)
	f.saves = append(f.saves, savedImage{Name: name, Image: img, Board: board, Meta: meta})
	f.images[name] = img
	return name, nil
}

// imgName is a valid image name for test images.
func imgName(i int) string { return fmt.Sprintf("11111111-2222-4333-8444-%012d.png", i) }

// solid returns a w×h image of one colour.
func solid(w, h int, c color.NRGBA) *image.NRGBA {
	img := newNRGBA(w, h)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// parse reads a graph from JSON, failing the test on bad JSON.
func parse(t testing.TB, s string) *Graph {
	t.Helper()
	var g Graph
	if err := json.Unmarshal([]byte(s), &g); err != nil {
		t.Fatalf("bad test graph: %v\n%s", err, s)
	}
	return &g
}

// chain builds a graph of nodes joined image to image, in order, each
// given as a type and its fields; ids are n1, n2, ...
func chain(nodes ...map[string]any) *Graph {
	g := &Graph{Nodes: map[string]map[string]any{}}
	for i, n := range nodes {
		id := fmt.Sprintf("n%d", i+1)
		n["id"] = id
		g.Nodes[id] = n
		if i > 0 {
			g.Edges = append(g.Edges, Edge{Source: EdgeEnd{fmt.Sprintf("n%d", i), "image"}, Destination: EdgeEnd{id, "image"}})
		}
	}
	return g
}

func node(typ string, kv ...any) map[string]any {
	m := map[string]any{"type": typ}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
