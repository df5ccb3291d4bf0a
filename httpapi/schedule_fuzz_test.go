package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portkit/portkit/httpapi/internal/apitest"
	"github.com/portkit/portkit/httpapi/internal/kazootest"
	"github.com/portkit/portkit/porting"
	"github.com/portkit/portkit/porting/portingtest"
)

// scheduleWorld is a Kazoo handler over a fixture with a pending request
// of the customer's, which the port authority may schedule.
type scheduleWorld struct {
	f       *portingtest.Fixture
	h       http.Handler
	pending string
	snap    fuzzSnapshot
}

// newScheduleWorld builds a scheduleWorld.
func newScheduleWorld(tb testing.TB) *scheduleWorld {
	tb.Helper()
	e := kazootest.Setup(tb)
	f, h := e.F, e.H
	r := f.Create(tb, "+12025559000", "+13125354200")
	f.Move(tb, r.ID, porting.StateSubmitted)
	f.Move(tb, r.ID, porting.StatePending)
	return &scheduleWorld{f: f, h: h, pending: r.ID, snap: fuzzTake(tb, f, r.ID)}
}

// fuzzJSONString encodes s as a JSON string byte for byte: unlike
// encoding/json it leaves invalid UTF-8 as it is, so that the handler
// sees what a hostile client sends.
func fuzzJSONString(s string) []byte {
	b := []byte{'"'}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, fmt.Sprintf(`\u%04x`, c)...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// fuzzScheduleOn is what schedule_on {date_time, timezone} means: the
// time, and whether there is one (an IANA zone other than "Local", and a
// date and time YYYY-MM-DD HH:MM[:SS] in it).
func fuzzScheduleOn(dateTime, zone string) (time.Time, bool) {
	if zone == "" || zone == "Local" || dateTime == "" {
		return time.Time{}, false
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, false
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, dateTime, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// fuzzScheduleFields returns the date_time and timezone strings of a
// raw schedule_on object, "" for what it does not hold as a string, and
// whether they are what the request must be scheduled on: false when
// either key is sent twice (see fuzzSentOnce).
func fuzzScheduleFields(raw []byte) (dateTime, zone string, exact bool) {
	on, _ := fuzzObject(raw)
	exact = true
	for key, dst := range map[string]*string{"date_time": &dateTime, "timezone": &zone} {
		v, ok := on[key]
		if !ok {
			continue
		}
		exact = exact && fuzzSentOnce(raw, on, key)
		*dst, _ = fuzzString(v)
	}
	return dateTime, zone, exact
}

// fuzzOnlyScheduleOn reports whether body is {"data": {"schedule_on":
// raw}} and nothing else, as it is unless raw closes the object early.
// Decoded as encoding/json decodes, the last value of a key counts; the
// last schedule_on ends where raw does, so that it is raw only when it is
// the one member of the one data.
func fuzzOnlyScheduleOn(body, raw []byte) bool {
	top, ok := fuzzObject(body)
	if !ok || len(top) != 1 {
		return false
	}
	data, ok := fuzzObject(top["data"])
	return ok && len(data) == 1 && bytes.Equal(bytes.TrimSpace(data["schedule_on"]), bytes.TrimSpace(raw))
}

// FuzzScheduleOn schedules a pending request with PATCH
// port_requests/{id}/scheduled and an arbitrary schedule_on: built from a
// date_time and a timezone, or, when raw is not empty, raw as the value
// of schedule_on. Never a 5xx nor a panic; a refusal is a 4xx with a
// message and leaves the store as it was; a schedule_on that names no
// time is refused; an accepted one schedules the request on that time,
// and the request reads back so (scheduled, on some time, where
// schedule_on has a key twice).
func FuzzScheduleOn(f *testing.F) {
	for _, s := range []struct{ dateTime, zone, raw string }{
		{"2026-03-10 09:30", "America/New_York", ""},
		{"2026-03-10 09:30:15", "Europe/London", ""},
		{"2026-03-10 09:30", "UTC", ""},
		{"2026-03-08 02:30", "America/New_York", ""}, // a time the clocks skip
		{"2026-11-01 01:30", "America/Chicago", ""},  // a time that happens twice
		{"2026-03-10 09:30", "Local", ""},
		{"2026-03-10 09:30", "", ""},
		{"", "UTC", ""},
		{"2026-03-10T09:30:00Z", "UTC", ""},
		{"2026-02-30 09:30", "UTC", ""},
		{"2026-03-10 24:00", "UTC", ""},
		{"2026-03-10 9:30", "UTC", ""},
		{"0000-01-01 00:00", "UTC", ""},
		{"0001-01-01 00:00", "UTC", ""},
		{"1969-12-31 23:59", "UTC", ""},
		{"1900-01-01 00:00", "Asia/Kolkata", ""},
		{"9999-12-31 23:59:59", "Pacific/Kiritimati", ""},
		{"2026-03-10 09:30", "Etc/GMT+12", ""},
		{"2026-03-10 09:30", "EST5EDT", ""},
		{"2026-03-10 09:30", "america/new_york", ""},
		{"2026-03-10 09:30", "../../etc/passwd", ""},
		{"2026-03-10 09:30", "/etc/localtime", ""},
		{"2026-03-10 09:30", "America/../../../../etc/passwd", ""},
		{"2026-03-10 09:30", "UTC\x00", ""},
		{"2026-03-10 09:30", "\xff", ""},
		{"2026-03-10 09:30\x00", "UTC", ""},
		{"2026-03-10 09:30 ", "UTC", ""},
		{"+2026-03-10 09:30", "UTC", ""},
		{"2026-03-10 09:30", "Europe/Berlin\n", ""},
		{"", "", `null`},
		{"", "", `{}`},
		{"", "", `"2026-03-10 09:30"`},
		{"", "", `63900000000`},
		{"", "", `[]`},
		{"", "", `{"date_time":null,"timezone":null}`},
		{"", "", `{"date_time":1,"timezone":true}`},
		{"", "", `{"date_time":"2026-03-10 09:30","timezone":"UTC","date_time":"x"}`},
		{"", "", `{"date_time":"2026-03-10 09:30","timezone":"UTC","extra":` + `[[[[[[[[[[]]]]]]]]]]` + `}`},
		{"", "", `{"date_time":"2026-03-10 09:30","timezone":"\u0055TC"}`},
		{"", "", `{"date_time":"2026-03-10 09:30","timezone":"UTC"`},
	} {
		f.Add(s.dateTime, s.zone, []byte(s.raw))
	}
	bed := newFuzzBed(f, newScheduleWorld)
	f.Fuzz(func(t *testing.T, dateTime, zone string, raw []byte) {
		w := bed.get(t)
		value := raw
		if len(raw) == 0 {
			value = append(append(append(append([]byte(`{"date_time":`), fuzzJSONString(dateTime)...),
				`,"timezone":`...), fuzzJSONString(zone)...), '}')
		}
		body := append(append([]byte(`{"data":{"schedule_on":`), value...), "}}"...)
		p := kazootest.URL("customer", "port_requests/"+w.pending+"/scheduled")
		hdr := http.Header{"X-Auth-Token": {apitest.AuthorityToken}, "Content-Type": {"application/json"}}
		rec := fuzzServe(w.h, "PATCH", p, "", hdr, bytes.NewReader(body))
		what := fmt.Sprintf("PATCH scheduled %s", body)
		a := kazootest.CheckAnswer(t, rec, what)
		if a.Code >= http.StatusBadRequest {
			w.snap.requireUnchanged(t, w.f, what)
			return
		}
		bed.changed()
		require.Equal(t, http.StatusOK, a.Code, "%s: %s", what, rec.Body)
		exact := true // false: which of a key sent twice counts is the dialect's choice
		if len(raw) > 0 {
			if !fuzzOnlyScheduleOn(body, raw) {
				return // raw closed schedule_on and set more: not this target's concern
			}
			dateTime, zone, exact = fuzzScheduleFields(raw)
		}
		want, ok := fuzzScheduleOn(dateTime, zone)
		require.True(t, ok || !exact, "%s: accepted a schedule_on that names no time: %s", what, rec.Body)
		back := kazootest.CheckAnswer(t, fuzzServe(w.h, "GET", kazootest.URL("customer", "port_requests/"+w.pending), "",
			http.Header{"X-Auth-Token": {apitest.CustomerToken}}, nil), what+": read back")
		require.Equal(t, http.StatusOK, back.Code, what)
		var got struct {
			PortState     string      `json:"port_state"`
			ScheduledDate json.Number `json:"scheduled_date"`
		}
		require.NoError(t, json.Unmarshal(back.Env.Data, &got), what)
		require.Equal(t, string(porting.StateScheduled), got.PortState, what)
		if exact {
			require.Equal(t, strconv.FormatInt(int64(kazootest.Gregorian(want)), 10), got.ScheduledDate.String(),
				"%s: scheduled on %s, read back %s", what, want, got.ScheduledDate)
		}
	})
}
