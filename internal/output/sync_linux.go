package output

import (
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps the names a and b in one step (renameat2 RENAME_EXCHANGE).
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// syncDir flushes the file system holding dir, so a swap never publishes
// files whose data is not yet on disk. One syncfs costs far less than an
// fsync per file.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
