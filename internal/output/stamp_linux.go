package output

import (
	"io/fs"
	"syscall"
)

// stampOf is the stamp of a file or folder, without the hash.
func stampOf(fi fs.FileInfo) (Stamp, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.Mode().IsRegular() && !fi.IsDir() {
		return Stamp{}, false
	}
	size := fi.Size()
	if fi.IsDir() {
		size = 0 // a folder's size says nothing of what it holds
	}
	return Stamp{Size: size, Mtime: fi.ModTime().UnixNano(), Ctime: st.Ctim.Nano(), Ino: uint64(st.Ino)}, true
}
