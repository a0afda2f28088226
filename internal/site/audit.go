package site

// audit runs the privacy and link audits on the built files.
func (b *build) audit() bool {
	return len(b.res.Errors) == 0
}
