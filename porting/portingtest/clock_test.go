package portingtest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// A wait on the test clock ends when the clock is moved past it, not
// before, whatever real time passes.
func TestClockAfter(t *testing.T) {
	t.Parallel()
	c := portingtest.NewClock(portingtest.Epoch)
	now := <-porting.After(c, 0)
	require.Equal(t, portingtest.Epoch, now, "a wait of nothing ends at once")

	a, b := c.After(time.Minute), c.After(time.Hour)
	require.Equal(t, 2, c.Waiting())
	next, ok := c.NextWait()
	require.True(t, ok)
	require.Equal(t, portingtest.Epoch.Add(time.Minute), next)

	c.Advance(59 * time.Second)
	select {
	case <-a:
		t.Fatal("ended early")
	default:
	}
	c.Advance(time.Second)
	require.Equal(t, portingtest.Epoch.Add(time.Minute), <-a)
	require.Equal(t, 1, c.Waiting())
	c.Set(portingtest.Epoch.Add(2 * time.Hour))
	require.Equal(t, portingtest.Epoch.Add(2*time.Hour), <-b)
	require.Zero(t, c.Waiting())
	_, ok = c.NextWait()
	require.False(t, ok)
}
