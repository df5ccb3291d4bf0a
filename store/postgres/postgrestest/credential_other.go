//go:build !unix

package postgrestest

import "syscall"

// credential is the user the cluster runs as: always the tests' own here.
type credential struct{}

func unprivileged() (*credential, error) { return nil, nil }

func procAttrFor(*credential) *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

func chownTo(*credential, string) error { return nil }
