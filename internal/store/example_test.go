package store_test

import (
	"crypto/sha256"
	"fmt"
	"os"

	"github.com/certiron/certiron-site/internal/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	// Version would be a hash of the executable; an empty Dir would mean
	// the user's cache folder.
	s, err := store.Open(store.Options{Dir: dir, Version: "build-1234"})
	if err != nil {
		fmt.Println("building without a cache:", err)
		return
	}
	type doc struct {
		HTML  []byte
		Links []string
	}
	// The key hashes every input the result depends on.
	key := sha256.Sum256([]byte("content/about.md bytes, markup settings"))

	var d doc
	if !s.Get("doc", key, &d) {
		d = doc{HTML: []byte("<h1>About</h1>"), Links: []string{"/"}} // converted
		s.Put("doc", key, d)
	}
	var again doc
	fmt.Println(s.Get("doc", key, &again), string(again.HTML), again.Links)

	if err := s.Trim(); err != nil { // once, at the end of the build
		fmt.Println(err)
	}
	st := s.Stats()
	fmt.Printf("%d hit, %d miss, %d put, %d errors\n", st.Hits, st.Misses, st.Puts, st.Errors)
	// Output:
	// true <h1>About</h1> [/]
	// 1 hit, 1 miss, 1 put, 0 errors
}
