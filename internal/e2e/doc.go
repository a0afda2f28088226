// Package e2e holds the end-to-end tests: the real site built and served
// on 127.0.0.1, driven in headless Chromium through chromedp. It has no
// code of its own beyond the helpers its tests share.
package e2e
