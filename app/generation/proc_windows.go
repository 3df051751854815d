//go:build windows

package generation

import (
	"os"
	"os/exec"
	"syscall"
)

// createNoWindow is CREATE_NO_WINDOW: sd-server is a console program, and
// Easel is a desktop one; without it each start would open a console.
const createNoWindow = 0x08000000

func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}

// askToStop kills at once: Windows has no signal a console-less child can
// be asked to stop with.
func askToStop(p *os.Process) error { return p.Kill() }

func forceStop(p *os.Process) error { return p.Kill() }

func reapGroup(int) {}
