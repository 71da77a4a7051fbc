package records

// SetCandidateCap lowers the rare-term threshold of the PostgreSQL
// search, so a test reaches both plans with a few documents; it returns
// the function that restores it.
func SetCandidateCap(n int) func() {
	old := candidateCap
	candidateCap = n
	return func() { candidateCap = old }
}
