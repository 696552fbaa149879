//go:build unix

package pgstore_test

import (
	"errors"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// osUser is the user a throwaway cluster's server runs as.
type osUser struct{ uid, gid int }

// serverUser returns nil (the current user) unless the tests run as root, which initdb refuses:
// then the cluster runs as the user postgres.
func serverUser() (*osUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, which initdb refuses, and there is no user postgres to run the cluster as")
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, err
	}
	return &osUser{uid: uid, gid: gid}, nil
}

// own gives dir to u.
func (u *osUser) own(dir string) error {
	if u == nil {
		return nil
	}
	return os.Chown(dir, u.uid, u.gid)
}

// apply makes cmd run as u.
func (u *osUser) apply(cmd *exec.Cmd) {
	if u == nil {
		return
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid)}}
}
