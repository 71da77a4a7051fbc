package records

// SetSearchLimits sets the thresholds of the PostgreSQL search plans
// (search_pg.go), so a test reaches each plan with a few documents; it
// returns the function that restores them.
func SetSearchLimits(candidates, hash, window, intersect int) func() {
	c, h, w, i := candidateCap, hashCap, searchWindow, intersectCap
	candidateCap, hashCap, searchWindow, intersectCap = candidates, hash, window, intersect
	return func() { candidateCap, hashCap, searchWindow, intersectCap = c, h, w, i }
}
