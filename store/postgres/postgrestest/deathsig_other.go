//go:build !linux

package postgrestest

import "syscall"

// setParentDeathSignal does nothing where there is no parent-death
// signal: a killed test binary leaves its postmaster running.
func setParentDeathSignal(*syscall.SysProcAttr) {}
