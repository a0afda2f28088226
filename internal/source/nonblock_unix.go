//go:build unix

package source

import "syscall"

// nonBlock opens files without blocking: a named pipe opens at once
// instead of waiting for a writer. noFollow refuses a symbolic link.
const (
	nonBlock = syscall.O_NONBLOCK
	noFollow = syscall.O_NOFOLLOW
)
