package kazoo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/portkit/portkit/porting"
)

// transition: PATCH port_requests/{id}/{state} moves the request to
// state. The body is optional: {"data": {...}} with fields to merge first,
// reason, accept_charges, schedule_on or scheduled_date; accept_charges
// may also sit beside data, and reason and accept_charges in the query.
func (k *handler) transition(to porting.State) func(*call) {
	return func(c *call) { k.move(c, to) }
}

// move moves the URL's request to state to, merging the body's fields
// first when it has any.
func (k *handler) move(c *call, to porting.State) {
	r, want, ok := c.writable()
	if !ok {
		return
	}
	env, members, ok := c.envelope(false)
	if !ok {
		return
	}
	opt, fields, err := c.transitionOptions(env, members)
	if err != nil {
		c.fail(err)
		return
	}
	if len(fields) > 0 {
		opt.Merge = func(cur porting.RequestInput) (porting.RequestInput, error) { return k.mergeInput(cur, fields) }
	}
	out, err := k.svc.Transition(c.ctx, r.ID, want, to, opt)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyRequest(http.StatusOK, out)
}

// transitionKeys are the data keys that steer a transition rather
// than set fields of the request, and ui_metadata, which Monster UI puts
// in the data of every call (its version and app): a transition keeps the
// request's as it is, since a request no longer editable may change only
// the few fields a transition carries.
var transitionKeys = []string{"reason", "accept_charges", "schedule_on", "ui_metadata"}

// transitionOptions reads a transition's options from the query, the
// envelope and its data, and returns the data members that set fields
// (none when the data only steers the transition or sets read-only keys).
func (c *call) transitionOptions(env envelopeIn, members []member) (porting.TransitionOptions, []member, error) {
	var opt porting.TransitionOptions
	var d inputDecoder
	q := c.r.URL.Query()
	opt.Reason = q.Get("reason")
	if m, ok := find(members, "reason"); ok {
		var reason string
		d.str("reason", m.val, &reason)
		if opt.Reason == "" {
			opt.Reason = reason
		}
	}
	accept := func(where string, v json.RawMessage) {
		ok, err := parseBool(where, v)
		if err != nil {
			d.errs.addErr(err)
		}
		opt.AcceptCharges = opt.AcceptCharges || ok
	}
	accept("accept_charges", env.AcceptCharges)
	if m, ok := find(members, "accept_charges"); ok {
		accept("data.accept_charges", m.val)
	}
	if q.Has("accept_charges") {
		v := q.Get("accept_charges")
		if v == "" {
			v = "true" // a bare ?accept_charges
		}
		accept("accept_charges", json.RawMessage(strconv.Quote(v)))
	}
	if m, ok := find(members, "schedule_on"); ok && !m.null() {
		t, err := scheduleOn(m.val)
		if err != nil {
			d.errs.addErr(err)
		}
		opt.ScheduledDate = t
	} else if m, ok := find(members, "scheduled_date"); ok {
		d.date("scheduled_date", m.val, &opt.ScheduledDate)
	}
	if err := d.errs.err(); err != nil {
		return opt, nil, err
	}
	fields := without(members, transitionKeys...)
	for _, m := range fields {
		if !isReadOnly(m.key) {
			return opt, fields, nil
		}
	}
	return opt, nil, nil
}

// parseBool decodes a boolean: true, false, null or a string
// strconv.ParseBool reads.
func parseBool(where string, v json.RawMessage) (bool, error) {
	switch string(v) {
	case "", "null", "false":
		return false, nil
	case "true":
		return true, nil
	}
	var s string
	if v[0] == '"' && json.Unmarshal(v, &s) == nil {
		if b, err := strconv.ParseBool(s); err == nil {
			return b, nil
		}
	}
	return false, problem(where, "type", string(v), where+" must be a boolean")
}

// scheduleLayouts are the layouts of schedule_on.date_time.
var scheduleLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05"}

// scheduleOn converts schedule_on {date_time: "YYYY-MM-DD HH:MM",
// timezone: IANA zone} to a time.
func scheduleOn(v json.RawMessage) (time.Time, error) {
	var d inputDecoder
	members, ok := d.object("schedule_on", v, "an object {date_time, timezone}")
	if !ok {
		return time.Time{}, d.errs.err()
	}
	var dt, tz string
	for _, m := range members {
		switch m.key {
		case "date_time":
			d.str("schedule_on.date_time", m.val, &dt)
		case "timezone":
			d.str("schedule_on.timezone", m.val, &tz)
		}
	}
	if err := d.errs.err(); err != nil {
		return time.Time{}, err
	}
	if dt == "" {
		d.errs.add("schedule_on.date_time", "required", "", "schedule_on.date_time is required (YYYY-MM-DD HH:MM)")
	}
	if tz == "" {
		d.errs.add("schedule_on.timezone", "required", "", "schedule_on.timezone is required (an IANA time zone)")
	}
	if err := d.errs.err(); err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "Local" {
		return time.Time{}, problem("schedule_on.timezone", "format", tz,
			fmt.Sprintf("schedule_on.timezone %q is not an IANA time zone", tz))
	}
	for _, layout := range scheduleLayouts {
		if t, err := time.ParseInLocation(layout, dt, loc); err == nil {
			if !porting.DateInRange(t) { // 0001-01-01 UTC would be the zero time: no date
				return time.Time{}, problem("schedule_on.date_time", "format", dt,
					fmt.Sprintf("schedule_on.date_time %q is out of range (years 1970 to 9999)", dt))
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, problem("schedule_on.date_time", "format", dt,
		fmt.Sprintf("schedule_on.date_time %q is not a date and time YYYY-MM-DD HH:MM", dt))
}
