package server

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// listenError is a friendly message for a failure to listen; it still
// unwraps to the system's error.
type listenError struct {
	msg string
	err error
}

func (e *listenError) Error() string { return e.msg }
func (e *listenError) Unwrap() error { return e.err }

// Listen opens the server's socket on bind:port (port 0 picks a free
// one). Its errors say what to do: a port in use suggests the next one, a
// privileged port or an address this machine does not have says so.
func Listen(bind string, port int) (net.Listener, error) {
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("-port %d is out of range; choose a port from 1024 to 65535", port)
	}
	bind = strings.TrimSuffix(strings.TrimPrefix(bind, "["), "]")
	addr := net.JoinHostPort(bind, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		return ln, nil
	}
	other := port + 1
	if other > 65535 {
		other = port - 1
	}
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, &listenError{fmt.Sprintf("%s is already in use (is another `certiron-site serve` running?); choose another port with -port %d", addr, other), err}
	case errors.Is(err, syscall.EACCES):
		return nil, &listenError{fmt.Sprintf("cannot listen on %s: permission denied (ports below 1024 need privileges); choose another port with -port 1313", addr), err}
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return nil, &listenError{fmt.Sprintf("cannot listen on %s: %s is not an address of this machine; the default -bind 127.0.0.1 always works", addr, bind), err}
	case errors.As(err, &dns):
		return nil, &listenError{fmt.Sprintf("cannot listen on %s: cannot resolve %q; give an IP address such as 127.0.0.1 to -bind", addr, bind), err}
	}
	return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
}

// IsLoopback reports whether bind only accepts connections from this
// machine. The empty address (all interfaces) is not loopback; callers
// warn before serving drafts beyond the machine.
func IsLoopback(bind string) bool {
	bind = strings.TrimSuffix(strings.TrimPrefix(bind, "["), "]")
	if strings.EqualFold(strings.TrimSuffix(bind, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(bind)
	return ip != nil && ip.IsLoopback()
}
