//go:build unix

package postgrestest

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// credential is the user the cluster runs as.
type credential = syscall.Credential

// unprivileged returns the credential the cluster runs as: nobody when
// the tests run as root (initdb and postgres refuse root), none otherwise.
func unprivileged() (*credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, errors.New("running as root, and there is no user nobody to run PostgreSQL as")
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user nobody: uid %q, gid %q", u.Uid, u.Gid)
	}
	// Groups empty and NoSetGroups false: the server drops root's
	// supplementary groups too.
	return &credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// procAttrFor runs a command as c (nil: as the tests' own user).
func procAttrFor(c *credential) *syscall.SysProcAttr { return &syscall.SysProcAttr{Credential: c} }

// chownTo gives a directory to c (nil: leaves it to the tests' user).
func chownTo(c *credential, dir string) error {
	if c == nil {
		return nil
	}
	return os.Chown(dir, int(c.Uid), int(c.Gid))
}
