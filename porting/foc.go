package porting

import "time"

// Calendar says which days porting work happens on. Carriers confirm FOC
// dates on business days only.
type Calendar interface {
	// BusinessDay reports whether the date of t (in UTC) is a business day.
	BusinessDay(t time.Time) bool
}

// USFederal is the default Calendar: weekends and US federal holidays (with
// their observed days) are not business days, which is the porting
// calendar of the NANP.
type USFederal struct{}

// BusinessDay implements Calendar.
func (USFederal) BusinessDay(t time.Time) bool {
	t = t.UTC()
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	y, m, d := t.Date()
	for _, h := range FederalHolidays(y) {
		if hy, hm, hd := h.Date(); hy == y && hm == m && hd == d {
			return false
		}
	}
	return true
}

// FederalHolidays returns the days of a year on which US federal holidays
// are observed (5 U.S.C. 6103), in date order: a holiday on a Saturday is
// observed the Friday before, one on a Sunday the Monday after. When the
// next New Year's Day is a Saturday, its observed day, December 31, is in
// this year's list (as OPM lists it), and this year's own New Year's Day
// is not.
func FederalHolidays(year int) []time.Time {
	fixed := func(m time.Month, d int) time.Time {
		t := time.Date(year, m, d, 0, 0, 0, 0, time.UTC)
		switch t.Weekday() {
		case time.Saturday:
			return t.AddDate(0, 0, -1)
		case time.Sunday:
			return t.AddDate(0, 0, 1)
		}
		return t
	}
	nth := func(m time.Month, wd time.Weekday, n int) time.Time {
		t := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, 1)
		}
		return t.AddDate(0, 0, 7*(n-1))
	}
	last := func(m time.Month, wd time.Weekday) time.Time {
		t := time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC)
		for t.Weekday() != wd {
			t = t.AddDate(0, 0, -1)
		}
		return t
	}
	days := []time.Time{
		fixed(time.January, 1),
		nth(time.January, time.Monday, 3),  // Birthday of Martin Luther King, Jr.
		nth(time.February, time.Monday, 3), // Washington's Birthday
		last(time.May, time.Monday),        // Memorial Day
	}
	if year >= 2021 {
		days = append(days, fixed(time.June, 19)) // Juneteenth
	}
	days = append(days,
		fixed(time.July, 4),
		nth(time.September, time.Monday, 1),  // Labor Day
		nth(time.October, time.Monday, 2),    // Columbus Day
		fixed(time.November, 11),             // Veterans Day
		nth(time.November, time.Thursday, 4), // Thanksgiving Day
		fixed(time.December, 25),
	)
	if days[0].Year() != year { // observed on December 31 of the year before
		days = days[1:]
	}
	if next := time.Date(year+1, time.January, 1, 0, 0, 0, 0, time.UTC); next.Weekday() == time.Saturday {
		days = append(days, next.AddDate(0, 0, -1))
	}
	return days
}

// FOCPolicy says which FOC dates a customer may ask for.
type FOCPolicy struct {
	// LeadDays is how many business days must pass after today before
	// the first allowed FOC date. Default 3.
	LeadDays int
	// Days is how many business days of windows AllowedFOCDates lists.
	// Default 20.
	Days int
	// WindowStart and WindowEnd bound the daily window, as offsets from
	// midnight UTC. Default 15:00 to 23:00 UTC; a WindowEnd not after
	// WindowStart means the end of the day.
	WindowStart, WindowEnd time.Duration
}

// maxCalendarScan bounds the days Windows looks through, so a calendar
// without business days cannot hang it.
const maxCalendarScan = 3 * 366

// FOCWindow is a span of time in which an FOC may be scheduled.
type FOCWindow struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Contains reports whether t falls in the window (start inclusive, end
// inclusive).
func (w FOCWindow) Contains(t time.Time) bool { return !t.Before(w.Start) && !t.After(w.End) }

func (p FOCPolicy) withDefaults() FOCPolicy {
	if p.LeadDays <= 0 {
		p.LeadDays = 3
	}
	if p.Days <= 0 {
		p.Days = 20
	}
	switch {
	case p.WindowStart == 0 && p.WindowEnd == 0:
		p.WindowStart, p.WindowEnd = 15*time.Hour, 23*time.Hour
	case p.WindowEnd <= p.WindowStart:
		p.WindowEnd = 24 * time.Hour
	}
	return p
}

// Windows lists the allowed FOC windows as of now: one per business day,
// starting LeadDays business days after today. A calendar with (almost) no
// business days yields fewer windows, or none.
func (p FOCPolicy) Windows(now time.Time, cal Calendar) []FOCWindow {
	p = p.withDefaults()
	y, m, d := now.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	scanned := 0
	for lead := 0; lead < p.LeadDays && scanned < maxCalendarScan; scanned++ {
		day = day.AddDate(0, 0, 1)
		if cal.BusinessDay(day) {
			lead++
		}
	}
	out := make([]FOCWindow, 0, p.Days)
	for ; len(out) < p.Days && scanned < maxCalendarScan; scanned++ {
		if cal.BusinessDay(day) {
			out = append(out, FOCWindow{Start: day.Add(p.WindowStart), End: day.Add(p.WindowEnd)})
		}
		day = day.AddDate(0, 0, 1)
	}
	return out
}

// Allows reports whether t is an allowed FOC time as of now: inside the
// daily window of a business day at least LeadDays business days after
// today. Unlike Windows it has no horizon.
func (p FOCPolicy) Allows(t, now time.Time, cal Calendar) bool {
	p = p.withDefaults()
	windows := p.Windows(now, cal)
	if len(windows) == 0 {
		return false
	}
	first := windows[0]
	if t.Before(first.Start) || !cal.BusinessDay(t) {
		return false
	}
	y, m, d := t.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return FOCWindow{Start: day.Add(p.WindowStart), End: day.Add(p.WindowEnd)}.Contains(t)
}
