package memory_test

import (
	"testing"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store"
	"github.com/portkit/portkit/store/memory"
)

func TestConformance(t *testing.T) {
	store.Test(t, func(t *testing.T) porting.Store { return memory.New() })
}
