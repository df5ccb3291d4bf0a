package porting

// ServiceArea says which numbers the platform can serve; a portability
// check reports the others as no_coverage. The default serves every valid
// number.
type ServiceArea interface {
	// Serves reports whether the platform can serve the (valid) number.
	Serves(n Number) bool
}

// ServiceAreaFunc adapts a function to ServiceArea.
type ServiceAreaFunc func(Number) bool

// Serves calls f.
func (f ServiceAreaFunc) Serves(n Number) bool { return f(n) }

// Regions is a ServiceArea of whole regions ("US", "CA", "GB").
type Regions []string

// Serves implements ServiceArea.
func (r Regions) Serves(n Number) bool {
	for _, region := range r {
		if n.Region == region {
			return true
		}
	}
	return false
}

type everywhere struct{}

func (everywhere) Serves(n Number) bool { return n.Valid }
