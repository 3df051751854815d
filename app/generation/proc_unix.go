//go:build unix

package generation

import (
	"os"
	"os/exec"
	"syscall"
)

// prepareCommand puts sd-server in its own process group: a Ctrl-C in the
// terminal that started Easel reaches Easel alone (which then stops
// sd-server in order), and a stop reaches anything sd-server started too.
func prepareCommand(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// askToStop asks the process group to end (SIGTERM), letting sd-server
// free its memory and close its socket.
func askToStop(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGTERM) }

// forceStop ends the process group at once (SIGKILL).
func forceStop(p *os.Process) error { return syscall.Kill(-p.Pid, syscall.SIGKILL) }

// reapGroup ends what is left of the group after its leader exited, so
// nothing sd-server started outlives it. The group is gone already in the
// usual case, and the call fails harmlessly.
func reapGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
