package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

func TestRun(t *testing.T) {
	clock := portingtest.NewClock(time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC))
	// Each step happens a minute after the one before.
	tick := porting.ClockFunc(func() time.Time { clock.Advance(time.Minute); return clock.Now() })
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, porting.Options{Clock: tick, IDs: &portingtest.IDs{}}))
	require.Equal(t, `created pr_000001 (Acme main lines): unconfirmed, numbers [+12025550100 +12025550101]
submitting costs 3.00: accepting
moved to pending
moved to scheduled
moved to completed
timeline:
  2026-03-02T14:03:00Z  unconfirmed -> submitted by Jane Doe: signed LOA attached
  2026-03-02T14:04:00Z  comment by Jane Doe: Please port before the end of the month.
  2026-03-02T14:06:00Z  submitted -> pending by Porting desk: sent to Old Telco
  2026-03-02T14:07:00Z  pending -> scheduled by Porting desk: FOC confirmed
  2026-03-02T14:08:00Z  scheduled -> completed by Porting desk: numbers live
events:
  #1 port_request.created (unconfirmed)
  #2 port_request.transitioned (submitted)
  #3 comment.added (submitted)
  #4 port_request.transitioned (pending)
  #5 port_request.transitioned (scheduled)
  #6 port_request.transitioned (completed)
6 events delivered
`, out.String())
}
