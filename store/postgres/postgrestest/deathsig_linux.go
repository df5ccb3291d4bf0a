package postgrestest

import "syscall"

// setParentDeathSignal asks Linux to stop the postmaster at once (SIGQUIT,
// an immediate shutdown) when the test binary dies.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGQUIT }
