package engine

import (
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRenderSamples writes prompt_art renders to $EASEL_ART_DIR, to look at
// by eye; without the variable it does nothing. EASEL_ART_PROMPTS (split
// on "|"), EASEL_ART_SIZE and EASEL_ART_SEEDS (a comma list) choose what
// to render.
//
//	EASEL_ART_DIR=/tmp/art go test -run RenderSamples ./app/engine
func TestRenderSamples(t *testing.T) {
	dir := os.Getenv("EASEL_ART_DIR")
	if dir == "" {
		t.Skip("set EASEL_ART_DIR to write sample renders")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prompts := strings.Split(os.Getenv("EASEL_ART_PROMPTS"), "|")
	if prompts[0] == "" {
		prompts = []string{"a red fox", "misty mountains at dawn", "neon city lights at night", "liquid gold marble", "a quiet ocean"}
	}
	size, seeds := 256, []int64{1, 2, 3, 4}
	if n, err := strconv.Atoi(os.Getenv("EASEL_ART_SIZE")); err == nil && n >= MinSide && n <= MaxSide {
		size = n
	}
	if s := os.Getenv("EASEL_ART_SEEDS"); s != "" {
		seeds = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, n)
		}
	}
	for _, p := range prompts {
		sheet := image.NewNRGBA(image.Rect(0, 0, len(seeds)*size+(len(seeds)-1)*8, size))
		for s, seed := range seeds {
			nc := &nodeCtx{Context: newFake(t), r: &runner{}, def: registry["prompt_art"]}
			img, err := nc.promptArt(p, seed, size, size)
			if err != nil {
				t.Fatal(err)
			}
			draw.Draw(sheet, image.Rect(s*(size+8), 0, s*(size+8)+size, size), img, image.Point{}, draw.Src)
		}
		name := filepath.Join(dir, strings.ReplaceAll(p, " ", "_")+".png")
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, sheet); err != nil {
			t.Fatal(err)
		}
		f.Close()
		t.Log(name)
	}
}
