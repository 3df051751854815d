//go:build race

package imaging

func init() { raceEnabled = true }
