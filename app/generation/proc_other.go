//go:build !unix && !windows

package generation

import (
	"os"
	"os/exec"
)

func prepareCommand(*exec.Cmd) {}

func askToStop(p *os.Process) error { return p.Kill() }

func forceStop(p *os.Process) error { return p.Kill() }

func reapGroup(int) {}
