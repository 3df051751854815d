package engine

import (
	"image"
	"image/draw"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Images pass between nodes as *image.NRGBA with bounds at 0,0 and a
// stride of 4×width. Nodes never change an image they were given (another
// node may hold it too); each makes a new one.

func newNRGBA(w, h int) *image.NRGBA { return image.NewNRGBA(image.Rect(0, 0, w, h)) }

// toNRGBA returns img as an *image.NRGBA at 0,0, converting (or copying a
// sub-image) when it is not one already.
func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if m, ok := img.(*image.NRGBA); ok {
		if b.Min == (image.Point{}) && m.Stride == 4*w {
			return m
		}
		dst := newNRGBA(w, h)
		for y := range h {
			i := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(dst.Pix[y*dst.Stride:], m.Pix[i:i+4*w])
		}
		return dst
	}
	// image/draw converts the common types to RGBA quickly; unpremultiply
	// that in place.
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	unpremultiply(rgba.Pix)
	return &image.NRGBA{Pix: rgba.Pix, Stride: rgba.Stride, Rect: rgba.Rect}
}

// unpremultiply turns premultiplied RGBA bytes into non-premultiplied ones.
func unpremultiply(pix []uint8) {
	for i := 0; i+4 <= len(pix); i += 4 {
		p := pix[i : i+4 : i+4]
		switch a := uint32(p[3]); a {
		case 0xff:
		case 0:
			p[0], p[1], p[2] = 0, 0, 0
		default:
			p[0] = uint8(min((uint32(p[0])*0xff+a/2)/a, 0xff))
			p[1] = uint8(min((uint32(p[1])*0xff+a/2)/a, 0xff))
			p[2] = uint8(min((uint32(p[2])*0xff+a/2)/a, 0xff))
		}
	}
}

// clamp8 rounds v (0-255 scale) to a byte.
func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// Sizes of work below which a loop runs on one goroutine, in one block.
const (
	parallelMin = 1 << 14 // pixels
	blockMin    = 1 << 14 // pixels
)

// each calls fn(i) for every i in [0, n): rows, or columns, of about cost
// pixels each. Work is split into blocks (at least 16 for large work);
// the rows of a block run on every core. Each row first checks for
// cancellation; after each block the node reports its progress, moving
// from lo to hi of the node's share. each returns the context's error when
// the run was canceled, and re-panics in the caller a panic in fn.
func (nc *nodeCtx) each(n, cost int, lo, hi float64, fn func(i int)) error {
	if n <= 0 {
		return nc.Err()
	}
	total := n * max(cost, 1)
	blocks := 1
	if total >= blockMin {
		blocks = min(n, max(16, total>>18))
	}
	workers := runtime.GOMAXPROCS(0)
	if total < parallelMin {
		workers = 1
	}
	var panicked atomic.Pointer[panicValue]
	for b := range blocks {
		i0, i1 := n*b/blocks, n*(b+1)/blocks
		if workers == 1 || i1-i0 < 2 {
			for i := i0; i < i1; i++ {
				if nc.stopped() {
					return nc.Err()
				}
				fn(i)
			}
		} else {
			var next atomic.Int64
			next.Store(int64(i0))
			var wg sync.WaitGroup
			for range min(workers, i1-i0) {
				wg.Go(func() {
					defer func() {
						if v := recover(); v != nil {
							panicked.CompareAndSwap(nil, &panicValue{v})
						}
					}()
					for {
						i := int(next.Add(1) - 1)
						if i >= i1 || nc.stopped() || panicked.Load() != nil {
							return
						}
						fn(i)
					}
				})
			}
			wg.Wait()
			if p := panicked.Load(); p != nil {
				panic(p.v)
			}
		}
		if err := nc.Err(); err != nil {
			return err
		}
		nc.report(lo + (hi-lo)*float64(i1)/float64(n))
	}
	return nil
}

type panicValue struct{ v any }

// ---- Resampling ----

// taps are the source pixels, and their weights, that make one output pixel.
type taps struct {
	idx []int32
	w   []float32
}

// catmullRom is the Catmull-Rom cubic (sharp, little ringing).
func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// weights maps n output pixels onto the source window [x0, x0+span) of a
// line of srcN pixels. When shrinking, the kernel widens so every source
// pixel counts (no aliasing); indices past the edges repeat the edge.
func weights(n, srcN int, x0, span float64) []taps {
	scale := span / float64(n)
	fs := max(scale, 1)
	support := 2 * fs
	out := make([]taps, n)
	for i := range out {
		c := x0 + (float64(i)+0.5)*scale // centre, in source coordinates
		lo := int(math.Floor(c - support))
		hi := int(math.Ceil(c + support))
		t := taps{}
		var sum float64
		for j := lo; j <= hi; j++ {
			wt := catmullRom((float64(j) + 0.5 - c) / fs)
			if wt == 0 {
				continue
			}
			t.idx = append(t.idx, int32(min(max(j, 0), srcN-1)))
			t.w = append(t.w, float32(wt))
			sum += wt
		}
		if sum == 0 { // cannot happen for a sane window; keep the nearest pixel
			t.idx, t.w, sum = []int32{int32(min(max(int(c), 0), srcN-1))}, []float32{1}, 1
		}
		for k := range t.w {
			t.w[k] = float32(float64(t.w[k]) / sum)
		}
		out[i] = t
	}
	return out
}

// resample scales the window (x0, y0, sw, sh) of src (floating point, in
// source pixels) to a new dw×dh image, filtering premultiplied colours.
// Progress runs from lo to hi of the node's share.
func (nc *nodeCtx) resample(src *image.NRGBA, x0, y0, sw, sh float64, dw, dh int, lo, hi float64) (*image.NRGBA, error) {
	srcW, srcH := src.Rect.Dx(), src.Rect.Dy()
	xt := weights(dw, srcW, x0, sw)
	yt := weights(dh, srcH, y0, sh)
	// The source rows the vertical pass reads.
	rlo, rhi := srcH, 0
	for _, t := range yt {
		for _, j := range t.idx {
			rlo, rhi = min(rlo, int(j)), max(rhi, int(j)+1)
		}
	}
	// Horizontal pass: each needed source row into tmp (premultiplied,
	// float32 would double the memory of a large photo; 8 bits suffice).
	rows := rhi - rlo
	tmp := make([]uint8, rows*dw*4)
	rowPool := sync.Pool{New: func() any { s := make([]float32, 4*srcW); return &s }}
	mid := lo + (hi-lo)*float64(rows*dw)/float64(rows*dw+dh*dw)
	err := nc.each(rows, dw, lo, mid, func(r int) {
		bufp := rowPool.Get().(*[]float32)
		defer rowPool.Put(bufp)
		buf := *bufp
		sp := src.Pix[(rlo+r)*src.Stride:]
		for x := range srcW {
			p := sp[4*x : 4*x+4 : 4*x+4]
			a := float32(p[3]) / 255
			buf[4*x], buf[4*x+1], buf[4*x+2], buf[4*x+3] = float32(p[0])*a, float32(p[1])*a, float32(p[2])*a, float32(p[3])
		}
		out := tmp[r*dw*4 : (r+1)*dw*4]
		for i, t := range xt {
			var cr, cg, cb, ca float32
			for k, j := range t.idx {
				w := t.w[k]
				q := buf[4*j : 4*j+4 : 4*j+4]
				cr += q[0] * w
				cg += q[1] * w
				cb += q[2] * w
				ca += q[3] * w
			}
			ca = min(max(ca, 0), 255)
			out[4*i+3] = clamp8(ca)
			out[4*i] = clamp8(min(cr, ca))
			out[4*i+1] = clamp8(min(cg, ca))
			out[4*i+2] = clamp8(min(cb, ca))
		}
	})
	if err != nil {
		return nil, err
	}
	dst := newNRGBA(dw, dh)
	accPool := sync.Pool{New: func() any { s := make([]float32, 4*dw); return &s }}
	err = nc.each(dh, dw, mid, hi, func(y int) {
		accp := accPool.Get().(*[]float32)
		defer accPool.Put(accp)
		acc := *accp
		clear(acc)
		t := yt[y]
		for k, j := range t.idx {
			w := t.w[k]
			row := tmp[(int(j)-rlo)*dw*4 : (int(j)-rlo+1)*dw*4]
			for x, v := range row {
				acc[x] += float32(v) * w
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for x := range dw {
			a := min(max(acc[4*x+3], 0), 255)
			out[4*x+3] = clamp8(a)
			if a < 0.5 {
				continue
			}
			inv := 255 / a
			out[4*x] = clamp8(acc[4*x] * inv)
			out[4*x+1] = clamp8(acc[4*x+1] * inv)
			out[4*x+2] = clamp8(acc[4*x+2] * inv)
		}
	})
	if err != nil {
		return nil, err
	}
	return dst, nil
}

// ---- Blur ----

// boxRadii returns three box-blur radii whose repeated application
// approximates a Gaussian of standard deviation sigma.
func boxRadii(sigma float64) [3]int {
	const n = 3
	wIdeal := math.Sqrt(12*sigma*sigma/n + 1)
	wl := int(math.Floor(wIdeal))
	if wl%2 == 0 {
		wl--
	}
	wu := wl + 2
	mIdeal := (12*sigma*sigma - n*float64(wl*wl) - 4*n*float64(wl) - 3*n) / (-4*float64(wl) - 4)
	m := int(math.Round(mIdeal))
	var r [3]int
	for i := range r {
		size := wu
		if i < m {
			size = wl
		}
		r[i] = max((size-1)/2, 0)
	}
	return r
}

// boxLine blurs n pixels of 4 channels in v (stride 4) with a box of
// radius r, into out, repeating the edge pixels.
func boxLine(v, out []float32, n, r int) {
	if r == 0 {
		copy(out[:4*n], v[:4*n])
		return
	}
	inv := 1 / float32(2*r+1)
	for c := range 4 {
		sum := float32(r+1) * v[c]
		for j := 1; j <= r; j++ {
			sum += v[4*min(j, n-1)+c]
		}
		for i := range n {
			out[4*i+c] = sum * inv
			sum += v[4*min(i+r+1, n-1)+c] - v[4*max(i-r, 0)+c]
		}
	}
}

// blur returns src blurred by a Gaussian of standard deviation sigma
// (three box blurs each way, on premultiplied colours). Progress runs from
// lo to hi of the node's share.
func (nc *nodeCtx) blur(src *image.NRGBA, sigma float64, lo, hi float64) (*image.NRGBA, error) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	radii := boxRadii(sigma)
	if radii == [3]int{} {
		dst := newNRGBA(w, h)
		copy(dst.Pix, src.Pix)
		return dst, nil
	}
	// Premultiplied 8-bit between the passes; each pass works in float32.
	mid := make([]uint8, len(src.Pix))
	pool := sync.Pool{New: func() any { s := make([]float32, 8*max(w, h)); return &s }}
	line := func(get func(i int) []uint8, n int, premul bool, put func(i int, p []float32)) {
		bp := pool.Get().(*[]float32)
		defer pool.Put(bp)
		a, b := (*bp)[:4*n], (*bp)[4*n:8*n]
		for i := range n {
			p := get(i)
			if premul {
				al := float32(p[3]) / 255
				a[4*i], a[4*i+1], a[4*i+2], a[4*i+3] = float32(p[0])*al, float32(p[1])*al, float32(p[2])*al, float32(p[3])
			} else {
				a[4*i], a[4*i+1], a[4*i+2], a[4*i+3] = float32(p[0]), float32(p[1]), float32(p[2]), float32(p[3])
			}
		}
		for _, r := range radii {
			boxLine(a, b, n, r)
			a, b = b, a
		}
		for i := range n {
			put(i, a[4*i:4*i+4:4*i+4])
		}
	}
	half := (lo + hi) / 2
	err := nc.each(h, w, lo, half, func(y int) {
		row := src.Pix[y*src.Stride:]
		out := mid[y*4*w:]
		line(func(i int) []uint8 { return row[4*i : 4*i+4] }, w, true, func(i int, p []float32) {
			out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = clamp8(p[0]), clamp8(p[1]), clamp8(p[2]), clamp8(p[3])
		})
	})
	if err != nil {
		return nil, err
	}
	dst := newNRGBA(w, h)
	err = nc.each(w, h, half, hi, func(x int) {
		line(func(i int) []uint8 { o := i*4*w + 4*x; return mid[o : o+4] }, h, false, func(i int, p []float32) {
			o := i*dst.Stride + 4*x
			q := dst.Pix[o : o+4 : o+4]
			a := min(max(p[3], 0), 255)
			q[3] = clamp8(a)
			if a < 0.5 {
				q[0], q[1], q[2] = 0, 0, 0
				return
			}
			inv := 255 / a
			q[0], q[1], q[2] = clamp8(p[0]*inv), clamp8(p[1]*inv), clamp8(p[2]*inv)
		})
	})
	if err != nil {
		return nil, err
	}
	return dst, nil
}

// ---- Compositing ----

// blendFunc is a separable blend mode on 0..1 colour values: backdrop b,
// source s.
type blendFunc func(b, s float32) float32

var blendModes = map[string]blendFunc{
	"normal":   func(b, s float32) float32 { return s },
	"multiply": func(b, s float32) float32 { return b * s },
	"screen":   func(b, s float32) float32 { return b + s - b*s },
	"overlay": func(b, s float32) float32 {
		if b <= 0.5 {
			return 2 * b * s
		}
		return 1 - 2*(1-b)*(1-s)
	},
}

// composite draws top over the row of base pixels bp (both non-premultiplied
// RGBA bytes, the same length) into out, per the W3C compositing rules:
// the blend mode mixes colours where the backdrop is opaque, then the
// result goes source-over with top's alpha times opacity.
func composite(out, bp, tp []uint8, mode blendFunc, opacity float32) {
	for i := 0; i+4 <= len(out); i += 4 {
		b, t, o := bp[i:i+4:i+4], tp[i:i+4:i+4], out[i:i+4:i+4]
		as := float32(t[3]) / 255 * opacity
		ab := float32(b[3]) / 255
		if as <= 0 {
			copy(o, b)
			continue
		}
		ao := as + ab*(1-as)
		for c := range 3 {
			cb := float32(b[c]) / 255
			cs := float32(t[c]) / 255
			mixed := (1-ab)*cs + ab*mode(cb, cs)
			co := as*mixed + ab*cb*(1-as) // premultiplied
			o[c] = clamp8(co / ao * 255)
		}
		o[3] = clamp8(ao * 255)
	}
}
