package engine

import "math"

// rng is SplitMix64: tiny, fast, and fixed here so a seed gives the same
// numbers on every Go version (math/rand makes no such promise for ever).
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// float returns a number in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// rangeF returns a number in [lo, hi).
func (r *rng) rangeF(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

// intn returns a number in [0, n).
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

// hash2 mixes two coordinates and a seed into 32 bits, for per-pixel grain.
func hash2(x, y int, seed uint64) uint32 {
	h := mix64(seed ^ uint64(uint32(x)))
	h = mix64(h ^ uint64(uint32(y))<<32)
	return uint32(h >> 32)
}

// mix64 is MurmurHash3's 64-bit finalizer.
func mix64(h uint64) uint64 {
	h = (h ^ h>>33) * 0xff51afd7ed558ccd
	h = (h ^ h>>33) * 0xc4ceb9fe1a85ec53
	return h ^ h>>33
}

// perlin is 2-D gradient noise with a seeded permutation.
type perlin struct {
	perm [512]uint8
}

func newPerlin(r *rng) *perlin {
	p := &perlin{}
	var base [256]uint8
	for i := range base {
		base[i] = uint8(i)
	}
	for i := 255; i > 0; i-- {
		j := r.intn(i + 1)
		base[i], base[j] = base[j], base[i]
	}
	for i := range p.perm {
		p.perm[i] = base[i&255]
	}
	return p
}

// The sixteen gradient directions, evenly spread around the circle.
var gradX, gradY [16]float64

func init() {
	for i := range 16 {
		a := 2 * math.Pi * float64(i) / 16
		gradX[i], gradY[i] = math.Cos(a), math.Sin(a)
	}
}

func fade(t float64) float64 { return t * t * t * (t*(t*6-15) + 10) }

// at returns the noise at (x, y), roughly in [-1, 1].
func (p *perlin) at(x, y float64) float64 {
	fx, fy := math.Floor(x), math.Floor(y)
	xi, yi := int(int64(fx)&255), int(int64(fy)&255)
	x, y = x-fx, y-fy
	u, v := fade(x), fade(y)
	a, b := int(p.perm[xi])+yi, int(p.perm[xi+1])+yi
	g00, g01 := p.perm[a]&15, p.perm[a+1]&15
	g10, g11 := p.perm[b]&15, p.perm[b+1]&15
	n00 := gradX[g00]*x + gradY[g00]*y
	n10 := gradX[g10]*(x-1) + gradY[g10]*y
	n01 := gradX[g01]*x + gradY[g01]*(y-1)
	n11 := gradX[g11]*(x-1) + gradY[g11]*(y-1)
	nx0 := n00 + (n10-n00)*u
	nx1 := n01 + (n11-n01)*u
	return (nx0 + (nx1-nx0)*v) * 1.41
}

// fbm sums octaves of noise, each twice the frequency and half the weight
// of the last, rotated so the grids do not line up.
func (p *perlin) fbm(x, y float64, octaves int) float64 {
	const c, s = 0.8, 0.6 // a rotation by about 37°
	var sum, amp, norm float64 = 0, 1, 0
	for range octaves {
		sum += amp * p.at(x, y)
		norm += amp
		x, y = 2*(c*x-s*y)+17.1, 2*(s*x+c*y)+31.7
		amp *= 0.5
	}
	return sum / norm
}
