//go:build !unix

package source

// Named pipes and links need no open flags where they are not files.
const (
	nonBlock = 0
	noFollow = 0
)
