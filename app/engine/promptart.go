package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// prompt_art paints an abstract picture from a prompt and a seed. It is no
// model: the prompt and seed are hashed into a palette and a composition
// (one of four styles), and words it knows nudge the choice, so "a red
// fox at sunset" comes out warm and "misty mountains" as layered hills.
// The same prompt and seed always give the same pixels.

// Styles of composition.
const (
	styleMesh   = iota // soft mesh gradient: colour pools melting into each other
	styleFlow          // marbled flow: domain-warped noise through the palette
	styleOrbs          // glowing orbs over a soft backdrop, like bokeh
	styleLayers        // layered hills under a sky with a sun
	numStyles
)

// Words that steer the palette's hue (OKLCh degrees).
var hueWords = map[string]float64{
	"red": 28, "crimson": 22, "scarlet": 30, "ruby": 15, "blood": 25, "cherry": 18, "rose": 5,
	"orange": 55, "fox": 50, "fire": 42, "flame": 42, "flames": 42, "ember": 38, "embers": 38, "sunset": 45, "copper": 55, "rust": 48,
	"amber": 70, "gold": 85, "golden": 82, "honey": 78, "autumn": 60, "sand": 80, "desert": 70, "dune": 75, "dunes": 75, "sun": 80,
	"yellow": 105, "lemon": 108, "sunflower": 100, "banana": 105,
	"lime": 125, "green": 145, "forest": 150, "leaf": 140, "leaves": 140, "moss": 125, "jungle": 150, "grass": 135, "meadow": 135, "spring": 140, "emerald": 160, "jade": 165,
	"mint": 170, "teal": 190, "turquoise": 195, "lagoon": 195, "cyan": 205, "aqua": 200,
	"sky": 235, "ice": 225, "frost": 225, "winter": 235, "snow": 240, "water": 225, "sea": 230, "ocean": 240, "wave": 230, "waves": 230, "river": 230, "rain": 240, "blue": 255,
	"navy": 262, "sapphire": 262, "indigo": 275, "night": 270, "midnight": 270, "space": 280, "galaxy": 290, "cosmic": 295, "nebula": 310,
	"purple": 305, "violet": 300, "lavender": 300, "plum": 330, "amethyst": 305, "magenta": 335,
	"pink": 350, "blossom": 355, "cherryblossom": 355, "flamingo": 5, "candy": 350, "peach": 50, "coral": 35, "salmon": 35,
}

// Words that steer the mood.
var (
	darkWords   = words("night midnight dark shadow shadows noir moody storm gothic space deep abyss cave")
	paleWords   = words("pastel soft dream dreamy misty mist fog foggy pale gentle calm quiet cloud clouds morning snow")
	vividWords  = words("neon vivid electric bright bold psychedelic vibrant synthwave cyberpunk rainbow candy tropical")
	styleByWord = map[string]int{
		"gradient": styleMesh, "aurora": styleMesh, "glow": styleMesh, "dream": styleMesh, "dreamy": styleMesh, "silk": styleMesh,
		"marble": styleFlow, "liquid": styleFlow, "smoke": styleFlow, "flow": styleFlow, "fluid": styleFlow, "ink": styleFlow, "swirl": styleFlow, "nebula": styleFlow, "water": styleFlow, "storm": styleFlow,
		"bokeh": styleOrbs, "lights": styleOrbs, "bubbles": styleOrbs, "stars": styleOrbs, "city": styleOrbs, "lanterns": styleOrbs, "fireflies": styleOrbs, "orbs": styleOrbs, "galaxy": styleOrbs,
		"landscape": styleLayers, "mountain": styleLayers, "mountains": styleLayers, "hills": styleLayers, "hill": styleLayers, "dunes": styleLayers, "dune": styleLayers, "desert": styleLayers, "valley": styleLayers, "sunset": styleLayers, "sunrise": styleLayers, "horizon": styleLayers,
	}
)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// mood is what the prompt's words say.
type mood struct {
	hues              []float64
	dark, pale, vivid bool
	style             int // -1: none named
}

func readPrompt(prompt string) mood {
	m := mood{style: -1}
	votes := make([]int, numStyles)
	for _, w := range strings.FieldsFunc(strings.ToLower(prompt), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if h, ok := hueWords[w]; ok {
			m.hues = append(m.hues, h)
		}
		m.dark = m.dark || darkWords[w]
		m.pale = m.pale || paleWords[w]
		m.vivid = m.vivid || vividWords[w]
		if s, ok := styleByWord[w]; ok {
			votes[s]++
		}
	}
	best := 0
	for s, n := range votes {
		if n > best {
			best, m.style = n, s
		}
	}
	return m
}

// artist holds one picture's plan; shade gives its colour anywhere.
type artist struct {
	style  int
	w      int
	aw, ah float64 // the picture's extent: the shorter side is 1
	pal    []lab   // the palette, darkest first
	noise  *perlin
	grain  uint64 // seed of the per-pixel grain
	vign   float64

	// mesh (also the backdrop of orbs)
	pts     []meshPoint
	warp    float64
	ribbons []ribbon
	// flow
	freq    float64
	offsets [8]float64
	// orbs
	orbs []orb
	halo float64
	// layers
	layers []layer
	edges  [][]float64 // each layer's top edge, by column
	sunX   float64
	sunY   float64
	sunR   float64
	sky    [2]lab
	sun    lab
	mist   float64
}

type meshPoint struct {
	x, y, inv2 float64 // position and 1/radius²
	c          lab
}

// ribbon is a soft band of light across a mesh: y = y0 + amp·sin(freq·x + phase).
type ribbon struct {
	y0, amp, freq, phase, inv2, strength float64
}

type orb struct {
	x, y, r, soft, alpha float64
	c                    lab
}

type layer struct {
	base, amp, freq, off float64
	c                    lab
}

func newArtist(prompt string, seed int64, w, h int) *artist {
	sum := sha256.Sum256([]byte(prompt + "\x00" + strconv.FormatInt(seed, 10)))
	r := &rng{s: binary.BigEndian.Uint64(sum[0:8])}
	m := readPrompt(prompt)
	short := float64(min(w, h))
	a := &artist{
		w:  w,
		aw: float64(w) / short, ah: float64(h) / short,
		grain: binary.BigEndian.Uint64(sum[8:16]),
		noise: newPerlin(r),
	}
	// Without scene words: flows are the richest, meshes the plainest.
	switch x := r.float(); {
	case x < 0.2:
		a.style = styleMesh
	case x < 0.5:
		a.style = styleFlow
	case x < 0.75:
		a.style = styleOrbs
	default:
		a.style = styleLayers
	}
	if m.style >= 0 && r.float() < 0.8 {
		a.style = m.style
	}
	a.pal = palette(r, m, a.style)
	a.vign = r.rangeF(0.08, 0.22)
	for i := range a.offsets {
		a.offsets[i] = r.rangeF(-50, 50)
	}
	switch a.style {
	case styleMesh:
		a.planMesh(r, 0.3, 0.75)
		for range r.intn(3) {
			wdt := r.rangeF(0.04, 0.16)
			a.ribbons = append(a.ribbons, ribbon{
				y0: r.rangeF(0.2, 0.8) * a.ah, amp: r.rangeF(0.05, 0.25), freq: r.rangeF(1.5, 4),
				phase: r.rangeF(0, 2*math.Pi), inv2: 1 / (wdt * wdt), strength: r.rangeF(0.15, 0.4),
			})
		}
	case styleFlow:
		a.freq = r.rangeF(0.7, 1.3)
		a.warp = r.rangeF(2.6, 3.4)
	case styleOrbs:
		a.planMesh(r, 0.15, 0.9)
		// A quieter, darker backdrop so the orbs glow.
		k := 0.78
		if m.dark {
			k = 0.55
		}
		for i := range a.pts {
			a.pts[i].c = a.pts[i].c.scale(k + 0.1*float64(i%2))
		}
		a.halo = 0.12
		if m.vivid || m.dark {
			a.halo = 0.3
		}
		n := 12 + r.intn(14)
		for range n {
			rad := 0.03 + 0.22*math.Pow(r.float(), 2.2)
			a.orbs = append(a.orbs, orb{
				x: r.rangeF(-0.1, a.aw+0.1), y: r.rangeF(-0.1, a.ah+0.1), r: rad,
				soft:  r.rangeF(0.15, 0.9),
				alpha: r.rangeF(0.2, 0.65),
				c:     a.pal[2+r.intn(len(a.pal)-2)],
			})
		}
		// Larger (nearer, blurrier) orbs first.
		slices.SortFunc(a.orbs, func(p, q orb) int {
			switch {
			case p.r > q.r:
				return -1
			case p.r < q.r:
				return 1
			}
			return 0
		})
	case styleLayers:
		n := 4 + r.intn(4)
		a.sky = [2]lab{a.pal[len(a.pal)-1], a.pal[len(a.pal)-2].mix(a.pal[len(a.pal)-1], 0.4)}
		a.sun = lch(min(a.pal[len(a.pal)-1].L+0.08, 0.98), 0.12, hueOf(a.pal[len(a.pal)-1])+r.rangeF(-25, 25))
		a.sunX = r.rangeF(0.2, a.aw-0.2)
		horizon := r.rangeF(0.28, 0.55)
		// The sun may sit low, half behind the first ridge.
		a.sunY = r.rangeF(0.1, horizon+0.04) * a.ah
		a.sunR = r.rangeF(0.05, 0.13)
		a.mist = r.rangeF(0.25, 0.6)
		for i := range n {
			t := float64(i+1) / float64(n) // 0 far .. 1 near
			c := a.pal[len(a.pal)-2].mix(a.pal[0], t)
			// Far layers fade into the sky.
			c = c.mix(a.sky[1], 0.5*(1-t)*(1-t))
			l := layer{
				base: a.ah * (horizon + (0.92-horizon)*math.Pow(t, 1.1)*r.rangeF(0.85, 1.05)),
				amp:  r.rangeF(0.05, 0.14) * (0.6 + t),
				freq: r.rangeF(0.8, 2.2) / (0.5 + t),
				off:  r.rangeF(-100, 100),
				c:    c,
			}
			a.layers = append(a.layers, l)
			// The edge depends only on the column: work it out once.
			edge := make([]float64, w)
			for x := range edge {
				u := (float64(x) + 0.5) / short
				edge[x] = l.base + l.amp*a.noise.fbm(u*l.freq+l.off, float64(i)*7.3, 5)
			}
			a.edges = append(a.edges, edge)
		}
	}
	return a
}

func (a *artist) planMesh(r *rng, warp, spread float64) {
	a.warp = warp
	// One colour pool in each cell of a small grid, jittered, so the
	// colours spread over the picture instead of clumping.
	cols, rows := 2+r.intn(2), 2
	if a.ah > a.aw {
		cols, rows = rows, cols
	}
	cw, ch := a.aw/float64(cols), a.ah/float64(rows)
	order := r.next()
	for j := range rows {
		for i := range cols {
			rad := spread * max(cw, ch) * r.rangeF(0.8, 1.2)
			k := (i + j*cols + int(order%5)) % len(a.pal)
			a.pts = append(a.pts, meshPoint{
				x: (float64(i) + r.rangeF(0.15, 0.85)) * cw, y: (float64(j) + r.rangeF(0.15, 0.85)) * ch,
				inv2: 1 / (rad * rad), c: a.pal[k],
			})
		}
	}
}

func hueOf(c lab) float64 { return math.Atan2(c.B, c.A) * 180 / math.Pi }

// palette picks five colours in a harmonious scheme around a base hue (the
// prompt's colour words, else the seed's), sorted dark to light.
func palette(r *rng, m mood, style int) []lab {
	var base float64
	if len(m.hues) > 0 {
		// The circular mean of the hues named.
		var x, y float64
		for _, h := range m.hues {
			x += math.Cos(h * math.Pi / 180)
			y += math.Sin(h * math.Pi / 180)
		}
		base = math.Atan2(y, x)*180/math.Pi + r.rangeF(-8, 8)
	} else {
		base = r.rangeF(0, 360)
	}
	var offs []float64
	switch r.intn(4) {
	case 0: // analogous
		offs = []float64{-40, -20, 0, 20, 40}
	case 1: // complementary
		offs = []float64{0, 18, -18, 180, 200}
	case 2: // triadic
		offs = []float64{0, 120, 240, 15, 135}
	default: // split complementary
		offs = []float64{0, 150, 210, 25, -25}
	}
	lo, hi := 0.32, 0.93
	cLo, cHi := 0.08, 0.17
	switch {
	case m.dark:
		lo, hi, cLo, cHi = 0.14, 0.62, 0.06, 0.15
	case m.pale:
		lo, hi, cLo, cHi = 0.7, 0.96, 0.035, 0.09
	}
	if m.vivid {
		cLo, cHi = 0.16, 0.3
	}
	if style == styleOrbs {
		hi = min(hi+0.04, 0.97)
	}
	pal := make([]lab, len(offs))
	r2 := int(r.next() % uint64(len(offs))) // which hue gets which lightness
	for i := range offs {
		t := float64(i) / float64(len(offs)-1)
		L := lerp(lo, hi, t) + r.rangeF(-0.04, 0.04)
		C := r.rangeF(cLo, cHi)
		j := (i + r2) % len(offs)
		h := base + offs[j] + r.rangeF(-8, 8)
		// Yellows are only yellow when light (dark yellow is olive): lift
		// them, less so in a dark mood.
		if near := math.Cos((h - 95) * math.Pi / 180); near > 0 && !m.dark {
			near = near * near * near
			L += (max(L, 0.78) - L) * near * 0.8
		}
		pal[i] = lch(min(max(L, 0.05), 0.98), C, h)
	}
	return pal
}

// ramp reads the palette as a smooth gradient, t from 0 (dark) to 1.
func (a *artist) ramp(t float64) lab {
	t = min(max(t, 0), 1) * float64(len(a.pal)-1)
	i := min(int(t), len(a.pal)-2)
	f := t - float64(i)
	return a.pal[i].mix(a.pal[i+1], f*f*(3-2*f))
}

// shade returns the colour at (u, v), where the shorter side runs 0..1,
// in column x.
func (a *artist) shade(x int, u, v float64) lab {
	switch a.style {
	case styleFlow:
		return a.flow(u, v)
	case styleOrbs:
		c := a.mesh(u, v)
		for i := range a.orbs {
			o := &a.orbs[i]
			dx, dy := u-o.x, v-o.y
			d2 := dx*dx + dy*dy
			if d2 >= 4*o.r*o.r {
				continue
			}
			d := math.Sqrt(d2) / o.r
			// A faint halo of light around each orb.
			c = c.mix(o.c, a.halo*o.alpha*math.Exp(-d*d*1.5))
			if d >= 1 {
				continue
			}
			m := 1 - smoothstep(1-o.soft, 1, d)
			rim := 0.35 * smoothstep(0.6, 0.95, d) * m // bokeh rims are brighter
			c = c.mix(o.c, o.alpha*m)
			c.L += rim * o.alpha * 0.25
		}
		return c
	case styleLayers:
		return a.landscape(x, u, v)
	}
	return a.mesh(u, v)
}

func (a *artist) mesh(u, v float64) lab {
	o := &a.offsets
	wu := u + a.warp*a.noise.fbm(u*1.2+o[0], v*1.2+o[1], 3)
	wv := v + a.warp*a.noise.fbm(u*1.2+o[2], v*1.2+o[3], 3)
	var c lab
	var sum float64
	for i := range a.pts {
		p := &a.pts[i]
		dx, dy := wu-p.x, wv-p.y
		w := math.Exp(-(dx*dx + dy*dy) * p.inv2)
		c = c.add(p.c.scale(w))
		sum += w
	}
	c = c.scale(1 / (sum + 1e-12))
	for i := range a.ribbons {
		rb := &a.ribbons[i]
		d := wv - rb.y0 - rb.amp*math.Sin(rb.freq*wu+rb.phase)
		g := math.Exp(-d * d * rb.inv2)
		c = c.mix(a.pal[len(a.pal)-1], rb.strength*g)
		c.L += 0.04 * rb.strength * g
	}
	// A faint sheen so large areas are not flat, and light from above.
	c.L += 0.025*a.noise.fbm(u*3+o[4], v*3+o[5], 2) + 0.04*(0.5-v/a.ah)
	return c
}

func (a *artist) flow(u, v float64) lab {
	o := &a.offsets
	n := a.noise
	k := a.warp
	px, py := u*a.freq, v*a.freq
	qx := n.fbm(px+o[0], py+o[1], 4)
	qy := n.fbm(px+o[2]+5.2, py+o[3]+1.3, 4)
	rx := n.fbm(px+k*qx+o[4]+1.7, py+k*qy+o[5]+9.2, 4)
	ry := n.fbm(px+k*qx+o[6]+8.3, py+k*qy+o[7]+2.8, 4)
	f := n.fbm(px+k*rx, py+k*ry, 4)
	c := a.ramp(0.5 + 1.0*f)
	c = c.mix(a.pal[3], 0.4*smoothstep(0.1, 0.6, math.Hypot(qx, qy)))
	c = c.mix(a.pal[0], 0.3*smoothstep(0.0, 0.5, -ry))
	// Fine silky striations along the flow.
	c.L += 0.012 * math.Sin(f*32+rx*4)
	return c
}

func (a *artist) landscape(x int, u, v float64) lab {
	// Sky: light at the horizon, deeper above, with a soft sun.
	c := a.sky[1].mix(a.sky[0], smoothstep(0, a.ah*0.7, v))
	dx, dy := u-a.sunX, v-a.sunY
	d := math.Sqrt(dx*dx+dy*dy) / a.sunR
	c = c.mix(a.sun, 0.45*math.Exp(-d*d*0.05)) // glow
	disc := a.sun
	disc.L += 0.03 * dy / a.sunR
	c = c.mix(disc, 1-smoothstep(0.95, 1.02, d))
	// Streaks of cloud.
	c.L += 0.02 * a.noise.fbm(u*2+a.offsets[0], v*6, 2) * (1 - smoothstep(0, a.ah*0.6, v))
	aa := 1.2 / float64(a.w) * a.aw // about a pixel, for smooth edges
	for i := range a.layers {
		depth := v - a.edges[i][x]
		if depth < -aa {
			continue
		}
		l := &a.layers[i]
		lc := l.c
		lc.L += 0.035 * (1 - smoothstep(0, 0.02, depth)) // a lit ridge
		// Mist pools in the valleys, paling each layer towards its foot.
		lc = lc.mix(a.sky[0], a.mist*smoothstep(0.01, 0.3, depth))
		lc.L += 0.02 * a.noise.fbm(u*8+l.off, v*8, 2)
		c = c.mix(lc, smoothstep(-aa, aa, depth))
	}
	return c
}

// promptArt paints the picture into a new w×h image, a block of rows at a
// time, reporting progress after each block.
func (nc *nodeCtx) promptArt(prompt string, seed int64, w, h int) (*image.NRGBA, error) {
	a := newArtist(prompt, seed, w, h)
	img := newNRGBA(w, h)
	short := float64(min(w, h))
	cx, cy := a.aw/2, a.ah/2
	maxD2 := cx*cx + cy*cy
	err := nc.each(h, w, 0, 1, func(y int) {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		v := (float64(y) + 0.5) / short
		for x := range w {
			u := (float64(x) + 0.5) / short
			c := a.shade(x, u, v)
			dx, dy := u-cx, v-cy
			c.L *= 1 - a.vign*(dx*dx+dy*dy)/maxD2
			lr, lg, lb := c.linear()
			// Grain: a little per-pixel noise, which also dithers away banding.
			g := hash2(x, y, a.grain)
			p := row[4*x : 4*x+4 : 4*x+4]
			p[0] = clamp8(linearToSRGB(lr) + grainOf(g))
			p[1] = clamp8(linearToSRGB(lg) + grainOf(g>>8))
			p[2] = clamp8(linearToSRGB(lb) + grainOf(g>>16))
			p[3] = 0xff
		}
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// grainOf turns 8 bits of hash into triangular noise of about ±1.5 levels.
func grainOf(h uint32) float32 {
	return (float32(h&15) + float32(h>>4&15) - 15) / 10
}
