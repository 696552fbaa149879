//go:build !unix

package pgstore_test

import "os/exec"

// osUser is the user a throwaway cluster's server runs as; only the current user here.
type osUser struct{}

func serverUser() (*osUser, error) { return nil, nil }

func (*osUser) own(string) error { return nil }

func (*osUser) apply(*exec.Cmd) {}
