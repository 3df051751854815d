package engine

import (
	"image/color"
	"math"
)

// Colour spaces: sRGB bytes, linear-light RGB (0..1) and OKLab, the
// perceptual space the generators mix colours in (so a blend of blue and
// yellow passes through neither grey nor mud).

// lab is an OKLab colour: lightness L (0..1) and the opponent axes a, b.
type lab struct{ L, A, B float64 }

var (
	toLinear [256]float64 // sRGB byte -> linear 0..1
	// toSRGB maps linear 0..1, in linSteps steps, to sRGB 0..255 (not
	// rounded, so callers can dither before rounding).
	toSRGB [linSteps + 1]float32
)

const linSteps = 8192

func init() {
	for i := range toLinear {
		c := float64(i) / 255
		if c <= 0.04045 {
			toLinear[i] = c / 12.92
		} else {
			toLinear[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	for i := range toSRGB {
		c := float64(i) / linSteps
		if c <= 0.0031308 {
			c *= 12.92
		} else {
			c = 1.055*math.Pow(c, 1/2.4) - 0.055
		}
		toSRGB[i] = float32(c * 255)
	}
}

// linearToSRGB maps linear light (clamped to 0..1) to sRGB 0..255.
func linearToSRGB(v float64) float32 {
	switch {
	case v <= 0:
		return 0
	case v >= 1:
		return 255
	}
	f := v * linSteps
	i := int(f)
	t := float32(f - float64(i))
	return toSRGB[i] + (toSRGB[i+1]-toSRGB[i])*t
}

// rgbToLab converts linear RGB to OKLab.
func rgbToLab(r, g, b float64) lab {
	l := math.Cbrt(0.4122214708*r + 0.5363325363*g + 0.0514459929*b)
	m := math.Cbrt(0.2119034982*r + 0.6806995451*g + 0.1073969566*b)
	s := math.Cbrt(0.0883024619*r + 0.2817188376*g + 0.6299787005*b)
	return lab{
		L: 0.2104542553*l + 0.7936177850*m - 0.0040720468*s,
		A: 1.9779984951*l - 2.4285922050*m + 0.4505937099*s,
		B: 0.0259040371*l + 0.7827717662*m - 0.8086757660*s,
	}
}

// linear converts an OKLab colour to linear RGB (unclamped).
func (c lab) linear() (r, g, b float64) {
	l := c.L + 0.3963377774*c.A + 0.2158037573*c.B
	m := c.L - 0.1055613458*c.A - 0.0638541728*c.B
	s := c.L - 0.0894841775*c.A - 1.2914855480*c.B
	l, m, s = l*l*l, m*m*m, s*s*s
	return 4.0767416621*l - 3.3077115913*m + 0.2309699292*s,
		-1.2684380046*l + 2.6097574011*m - 0.3413193965*s,
		-0.0041960863*l - 0.7034186147*m + 1.7076147010*s
}

// labOf converts an sRGB colour (alpha ignored) to OKLab.
func labOf(c color.NRGBA) lab {
	return rgbToLab(toLinear[c.R], toLinear[c.G], toLinear[c.B])
}

// lch makes an OKLab colour from lightness, chroma and hue (degrees),
// reducing chroma until it fits in sRGB.
func lch(L, C, hDeg float64) lab {
	h := hDeg * math.Pi / 180
	cos, sin := math.Cos(h), math.Sin(h)
	for range 40 {
		c := lab{L, C * cos, C * sin}
		r, g, b := c.linear()
		const eps = 1e-4
		if r >= -eps && r <= 1+eps && g >= -eps && g <= 1+eps && b >= -eps && b <= 1+eps {
			return c
		}
		C *= 0.92
	}
	return lab{L, 0, 0}
}

func (c lab) mix(d lab, t float64) lab {
	return lab{c.L + (d.L-c.L)*t, c.A + (d.A-c.A)*t, c.B + (d.B-c.B)*t}
}

func (c lab) scale(k float64) lab { return lab{c.L * k, c.A * k, c.B * k} }

func (c lab) add(d lab) lab { return lab{c.L + d.L, c.A + d.A, c.B + d.B} }

func smoothstep(e0, e1, x float64) float64 {
	t := min(max((x-e0)/(e1-e0), 0), 1)
	return t * t * (3 - 2*t)
}

func lerp(a, b, t float64) float64 { return a + (b-a)*t }
