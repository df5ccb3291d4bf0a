package memory_test

import (
	"testing"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/store/memory"
	"github.com/portkit/portkit/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Test(t, func(t *testing.T) porting.Store { return memory.New() })
}
