package source

import "syscall"

// readFast reads a regular file in four system calls (open, fstat, one
// read, close), without the runtime's poller: a build reads thousands of
// small files. ok is false, with nothing read, for anything that is not
// a regular file or when the one read does not reach the end, so that
// readRegular's general path decides (and words the error).
func readFast(name string, flags int) (data []byte, ok bool) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|nonBlock|flags, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size < 0 || st.Size > 1<<30 {
		return nil, false
	}
	// One byte more than the size: a read that returns fewer bytes than
	// asked has reached the end of a regular file.
	data = make([]byte, st.Size+1)
	for {
		n, err := syscall.Read(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || int64(n) != st.Size {
			return nil, false // changed as it was read: the general path reads it again
		}
		return data[: n : n+1], true
	}
}
