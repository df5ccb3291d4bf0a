package porting_test

import (
	"testing"
	"time"

	"github.com/portkit/portkit/porting"
	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func at(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

func dates(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.UTC().Format("2006-01-02 Mon")
	}
	return out
}

func TestFederalHolidays(t *testing.T) {
	tests := []struct {
		year int
		want []string
	}{
		{2025, []string{
			"2025-01-01 Wed", // New Year's Day
			"2025-01-20 Mon", // Martin Luther King, Jr.
			"2025-02-17 Mon", // Washington's Birthday
			"2025-05-26 Mon", // Memorial Day
			"2025-06-19 Thu", // Juneteenth
			"2025-07-04 Fri", // Independence Day
			"2025-09-01 Mon", // Labor Day
			"2025-10-13 Mon", // Columbus Day
			"2025-11-11 Tue", // Veterans Day
			"2025-11-27 Thu", // Thanksgiving Day
			"2025-12-25 Thu", // Christmas Day
		}},
		{2026, []string{
			"2026-01-01 Thu",
			"2026-01-19 Mon",
			"2026-02-16 Mon",
			"2026-05-25 Mon",
			"2026-06-19 Fri",
			"2026-07-03 Fri", // July 4 is a Saturday: observed Friday
			"2026-09-07 Mon",
			"2026-10-12 Mon",
			"2026-11-11 Wed",
			"2026-11-26 Thu",
			"2026-12-25 Fri",
		}},
		{2027, []string{
			"2027-01-01 Fri",
			"2027-01-18 Mon",
			"2027-02-15 Mon",
			"2027-05-31 Mon",
			"2027-06-18 Fri", // June 19 is a Saturday
			"2027-07-05 Mon", // July 4 is a Sunday
			"2027-09-06 Mon",
			"2027-10-11 Mon",
			"2027-11-11 Thu",
			"2027-11-25 Thu",
			"2027-12-24 Fri", // December 25 is a Saturday
			"2027-12-31 Fri", // New Year's Day 2028 is a Saturday
		}},
		{2028, []string{ // January 1 was observed on 2027-12-31
			"2028-01-17 Mon",
			"2028-02-21 Mon",
			"2028-05-29 Mon",
			"2028-06-19 Mon",
			"2028-07-04 Tue",
			"2028-09-04 Mon",
			"2028-10-09 Mon",
			"2028-11-10 Fri", // November 11 is a Saturday
			"2028-11-23 Thu",
			"2028-12-25 Mon",
		}},
	}
	for _, tc := range tests {
		got := porting.FederalHolidays(tc.year)
		require.Equal(t, tc.want, dates(got), "FederalHolidays(%d)", tc.year)
		for _, h := range got {
			require.Equal(t, time.UTC, h.Location())
			require.Equal(t, 0, h.Hour()+h.Minute()+h.Second()+h.Nanosecond(), "midnight")
		}
	}

	// Juneteenth is a federal holiday from 2021 on.
	require.NotContains(t, dates(porting.FederalHolidays(2020)), "2020-06-19 Fri")
	require.Len(t, porting.FederalHolidays(2020), 10)
	require.Contains(t, dates(porting.FederalHolidays(2021)), "2021-06-18 Fri") // June 19 2021 is a Saturday
	require.Contains(t, dates(porting.FederalHolidays(2021)), "2021-07-05 Mon") // July 4 2021 is a Sunday
	require.Contains(t, dates(porting.FederalHolidays(2021)), "2021-12-24 Fri") // Dec 25 2021 is a Saturday
	require.Contains(t, dates(porting.FederalHolidays(2022)), "2022-12-26 Mon") // Dec 25 2022 is a Sunday
	require.Contains(t, dates(porting.FederalHolidays(2023)), "2023-01-02 Mon") // Jan 1 2023 is a Sunday
}

func TestUSFederalBusinessDay(t *testing.T) {
	cal := porting.USFederal{}
	tests := []struct {
		day  time.Time
		want bool
		why  string
	}{
		{date(2026, 11, 23), true, "ordinary Monday"},
		{date(2026, 11, 25), true, "Wednesday before Thanksgiving"},
		{date(2026, 11, 26), false, "Thanksgiving"},
		{date(2026, 11, 27), true, "day after Thanksgiving is not a federal holiday"},
		{date(2026, 11, 28), false, "Saturday"},
		{date(2026, 11, 29), false, "Sunday"},
		{date(2026, 7, 3), false, "Independence Day observed (July 4 2026 is a Saturday)"},
		{date(2026, 7, 4), false, "Saturday"},
		{date(2026, 7, 6), true, "Monday after a Saturday holiday"},
		{date(2027, 7, 5), false, "Independence Day observed (July 4 2027 is a Sunday)"},
		{date(2022, 12, 26), false, "Christmas observed (Dec 25 2022 is a Sunday)"},
		{date(2022, 12, 27), true, "ordinary Tuesday"},
		{date(2021, 12, 31), false, "New Year's Day 2022 observed (Jan 1 2022 is a Saturday)"},
		{date(2027, 12, 31), false, "New Year's Day 2028 observed (Jan 1 2028 is a Saturday)"},
		{date(2027, 12, 24), false, "Christmas observed (Dec 25 2027 is a Saturday)"},
		{date(2027, 12, 30), true, "ordinary Thursday"},
		{date(2026, 12, 31), true, "Dec 31 2026 is an ordinary Thursday (Jan 1 2027 is a Friday)"},
		{date(2025, 12, 31), true, "ordinary Wednesday"},
		{date(2026, 1, 1), false, "New Year's Day"},
		{date(2023, 1, 2), false, "New Year's Day observed (Jan 1 2023 is a Sunday)"},
		{date(2025, 1, 20), false, "Martin Luther King, Jr. Day"},
		{date(2025, 10, 13), false, "Columbus Day"},
		{date(2020, 6, 19), true, "Juneteenth was not yet a federal holiday"},
		{date(2025, 6, 19), false, "Juneteenth"},
		{at(2026, 11, 26, 23, 59, 59), false, "Thanksgiving, late"},
		{at(2026, 11, 25, 23, 59, 59), true, "Wednesday, late"},
		// The date is taken in UTC: 20:00 on Wednesday in New York is
		// 01:00 on Thanksgiving in UTC.
		{time.Date(2026, 11, 25, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), false, "Thanksgiving in UTC"},
		// 21:00 on Thanksgiving in New York is 02:00 Friday in UTC.
		{time.Date(2026, 11, 26, 21, 0, 0, 0, time.FixedZone("EST", -5*3600)), true, "Friday in UTC"},
		// 20:00 Friday in New York is Saturday in UTC.
		{time.Date(2026, 11, 27, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), false, "Saturday in UTC"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, cal.BusinessDay(tc.day), "%s: %s", tc.day.Format(time.RFC3339), tc.why)
	}

	// Weekends are never business days; every weekday that is not a listed
	// holiday is one.
	for y := 2024; y <= 2028; y++ {
		holidays := map[string]bool{}
		for _, h := range porting.FederalHolidays(y) {
			holidays[h.Format(time.DateOnly)] = true
		}
		for d := date(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			wd := d.Weekday()
			if wd == time.Saturday || wd == time.Sunday {
				require.False(t, cal.BusinessDay(d), "weekend %s", d.Format(time.DateOnly))
				continue
			}
			if holidays[d.Format(time.DateOnly)] {
				require.False(t, cal.BusinessDay(d), "holiday %s", d.Format(time.DateOnly))
				continue
			}
			if d.Month() == time.December && d.Day() == 31 && date(y+1, 1, 1).Weekday() == time.Saturday {
				require.False(t, cal.BusinessDay(d), "New Year's Day observed %s", d.Format(time.DateOnly))
				continue
			}
			require.True(t, cal.BusinessDay(d), "weekday %s", d.Format(time.DateOnly))
		}
	}
}

// now is Wednesday 2026-11-25 10:00 UTC, the day before Thanksgiving.
var focNow = at(2026, 11, 25, 10, 0, 0)

func TestFOCPolicyWindowsDefault(t *testing.T) {
	cal := porting.USFederal{}
	ws := porting.FOCPolicy{}.Windows(focNow, cal)
	// Three business days after Wed 25 Nov: Fri 27 (Thanksgiving on Thu 26
	// is skipped), Mon 30, Tue 1 Dec. Then 20 business days, skipping
	// weekends and Christmas (Fri 25 Dec).
	want := []string{
		"2026-12-01 Tue", "2026-12-02 Wed", "2026-12-03 Thu", "2026-12-04 Fri",
		"2026-12-07 Mon", "2026-12-08 Tue", "2026-12-09 Wed", "2026-12-10 Thu", "2026-12-11 Fri",
		"2026-12-14 Mon", "2026-12-15 Tue", "2026-12-16 Wed", "2026-12-17 Thu", "2026-12-18 Fri",
		"2026-12-21 Mon", "2026-12-22 Tue", "2026-12-23 Wed", "2026-12-24 Thu",
		"2026-12-28 Mon", "2026-12-29 Tue",
	}
	require.Len(t, ws, 20)
	starts := make([]time.Time, len(ws))
	for i, w := range ws {
		starts[i] = w.Start
		y, m, d := w.Start.Date()
		require.Equal(t, at(y, m, d, 15, 0, 0), w.Start, "window %d start", i)
		require.Equal(t, at(y, m, d, 23, 0, 0), w.End, "window %d end", i)
		require.True(t, cal.BusinessDay(w.Start), "window %d on a business day", i)
		wd := w.Start.Weekday()
		require.NotEqual(t, time.Saturday, wd)
		require.NotEqual(t, time.Sunday, wd)
		if i > 0 {
			require.True(t, ws[i-1].End.Before(w.Start), "windows in order")
		}
	}
	require.Equal(t, want, dates(starts))

	// The time of day of now does not matter, only its UTC date.
	require.Equal(t, ws, porting.FOCPolicy{}.Windows(at(2026, 11, 25, 0, 0, 0), cal))
	require.Equal(t, ws, porting.FOCPolicy{}.Windows(at(2026, 11, 25, 23, 59, 59), cal))
	// Tuesday 20:00 in Los Angeles is Wednesday 04:00 UTC.
	require.Equal(t, ws, porting.FOCPolicy{}.Windows(time.Date(2026, 11, 24, 20, 0, 0, 0, time.FixedZone("PST", -8*3600)), cal))
	// Results are in UTC.
	require.Equal(t, time.UTC, ws[0].Start.Location())
}

func TestFOCPolicyWindowsFromWeekend(t *testing.T) {
	// Saturday 2026-11-28: Mon 30 (1), Tue 1 (2), Wed 2 (3).
	ws := porting.FOCPolicy{}.Windows(at(2026, 11, 28, 12, 0, 0), porting.USFederal{})
	require.Len(t, ws, 20)
	require.Equal(t, at(2026, 12, 2, 15, 0, 0), ws[0].Start)
}

func TestFOCPolicyWindowsCustom(t *testing.T) {
	p := porting.FOCPolicy{LeadDays: 1, Days: 5, WindowStart: 9 * time.Hour, WindowEnd: 17*time.Hour + 30*time.Minute}
	ws := p.Windows(focNow, porting.USFederal{})
	require.Equal(t, []porting.FOCWindow{
		{Start: at(2026, 11, 27, 9, 0, 0), End: at(2026, 11, 27, 17, 30, 0)},
		{Start: at(2026, 11, 30, 9, 0, 0), End: at(2026, 11, 30, 17, 30, 0)},
		{Start: at(2026, 12, 1, 9, 0, 0), End: at(2026, 12, 1, 17, 30, 0)},
		{Start: at(2026, 12, 2, 9, 0, 0), End: at(2026, 12, 2, 17, 30, 0)},
		{Start: at(2026, 12, 3, 9, 0, 0), End: at(2026, 12, 3, 17, 30, 0)},
	}, ws)

	// LeadDays alone.
	ws = porting.FOCPolicy{LeadDays: 5}.Windows(focNow, porting.USFederal{})
	require.Len(t, ws, 20)
	// Fri 27, Mon 30, Tue 1, Wed 2, Thu 3.
	require.Equal(t, at(2026, 12, 3, 15, 0, 0), ws[0].Start)
	require.Equal(t, at(2026, 12, 3, 23, 0, 0), ws[0].End)

	// Days alone.
	ws = porting.FOCPolicy{Days: 2}.Windows(focNow, porting.USFederal{})
	require.Equal(t, []porting.FOCWindow{
		{Start: at(2026, 12, 1, 15, 0, 0), End: at(2026, 12, 1, 23, 0, 0)},
		{Start: at(2026, 12, 2, 15, 0, 0), End: at(2026, 12, 2, 23, 0, 0)},
	}, ws)

	// A window starting at midnight UTC.
	ws = porting.FOCPolicy{Days: 1, WindowStart: 0, WindowEnd: 6 * time.Hour}.Windows(focNow, porting.USFederal{})
	require.Equal(t, []porting.FOCWindow{{Start: at(2026, 12, 1, 0, 0, 0), End: at(2026, 12, 1, 6, 0, 0)}}, ws)
}

// everyDay is a Calendar on which every day is a business day.
type everyDay struct{}

func (everyDay) BusinessDay(time.Time) bool { return true }

func TestFOCPolicyWindowsCalendar(t *testing.T) {
	// The calendar is honoured: with every day a business day, the first
	// window is three days after today, including weekend and holidays.
	ws := porting.FOCPolicy{Days: 4}.Windows(focNow, everyDay{})
	require.Equal(t, []string{"2026-11-28 Sat", "2026-11-29 Sun", "2026-11-30 Mon", "2026-12-01 Tue"},
		dates([]time.Time{ws[0].Start, ws[1].Start, ws[2].Start, ws[3].Start}))
	require.Len(t, ws, 4)
}

func TestFOCPolicyAllows(t *testing.T) {
	cal := porting.USFederal{}
	est := time.FixedZone("EST", -5*3600)
	tests := []struct {
		t    time.Time
		want bool
		why  string
	}{
		{at(2026, 12, 1, 16, 0, 0), true, "inside the first window"},
		{at(2026, 12, 1, 15, 0, 0), true, "start of the first window (inclusive)"},
		{at(2026, 12, 1, 23, 0, 0), true, "end of the first window (inclusive)"},
		{at(2026, 12, 1, 14, 59, 59), false, "just before the first window"},
		{at(2026, 12, 1, 23, 0, 1), false, "just after the window"},
		{at(2026, 12, 2, 10, 0, 0), false, "business day, outside the daily window"},
		{at(2026, 12, 2, 23, 30, 0), false, "business day, after the daily window"},
		{at(2026, 11, 30, 16, 0, 0), false, "business day within the lead time"},
		{at(2026, 11, 27, 16, 0, 0), false, "first business day after today, within the lead time"},
		{at(2026, 11, 25, 16, 0, 0), false, "today"},
		{at(2026, 11, 20, 16, 0, 0), false, "in the past"},
		{at(2026, 12, 5, 16, 0, 0), false, "Saturday"},
		{at(2026, 12, 6, 16, 0, 0), false, "Sunday"},
		{at(2026, 12, 25, 16, 0, 0), false, "Christmas"},
		{at(2026, 12, 29, 22, 0, 0), true, "last of the 20 windows"},
		{at(2026, 12, 30, 16, 0, 0), true, "first business day beyond the 20-day horizon"},
		{at(2027, 3, 1, 16, 0, 0), true, "business day well beyond the horizon"},
		{at(2027, 7, 5, 16, 0, 0), false, "holiday beyond the horizon (Independence Day observed)"},
		{at(2027, 12, 31, 16, 0, 0), false, "New Year's Day 2028 observed"},
		{time.Date(2026, 12, 1, 10, 0, 0, 0, est), true, "10:00 EST is 15:00 UTC"},
		{time.Date(2026, 12, 1, 9, 59, 0, 0, est), false, "09:59 EST is 14:59 UTC"},
		{time.Date(2026, 12, 4, 17, 0, 0, 0, est), true, "Friday 17:00 EST is 22:00 UTC"},
		{time.Date(2026, 12, 4, 19, 0, 0, 0, est), false, "Friday 19:00 EST is Saturday 00:00 UTC"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, porting.FOCPolicy{}.Allows(tc.t, focNow, cal), "%s: %s", tc.t.Format(time.RFC3339), tc.why)
	}

	// Every window of Windows is allowed, at its start, middle and end.
	var def porting.FOCPolicy
	for _, w := range def.Windows(focNow, cal) {
		for _, tm := range []time.Time{w.Start, w.Start.Add(w.End.Sub(w.Start) / 2), w.End} {
			require.True(t, def.Allows(tm, focNow, cal), "%s", tm)
		}
	}
}

func TestFOCPolicyAllowsCustom(t *testing.T) {
	cal := porting.USFederal{}
	p := porting.FOCPolicy{LeadDays: 1, WindowStart: 9 * time.Hour, WindowEnd: 17 * time.Hour}
	tests := []struct {
		t    time.Time
		want bool
		why  string
	}{
		{at(2026, 11, 27, 9, 0, 0), true, "first business day, custom window start"},
		{at(2026, 11, 27, 17, 0, 0), true, "custom window end"},
		{at(2026, 11, 27, 8, 59, 59), false, "before the custom window"},
		{at(2026, 11, 27, 18, 0, 0), false, "inside the default window, outside the custom one"},
		{at(2026, 11, 26, 12, 0, 0), false, "Thanksgiving"},
		{at(2026, 11, 25, 12, 0, 0), false, "today"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, p.Allows(tc.t, focNow, cal), "%s: %s", tc.t.Format(time.RFC3339), tc.why)
	}
	// The same time is too early for the default policy.
	require.False(t, porting.FOCPolicy{}.Allows(at(2026, 11, 27, 16, 0, 0), focNow, cal))
}

func TestFOCWindowContains(t *testing.T) {
	w := porting.FOCWindow{Start: at(2026, 12, 1, 15, 0, 0), End: at(2026, 12, 1, 23, 0, 0)}
	require.True(t, w.Contains(w.Start))
	require.True(t, w.Contains(w.End))
	require.True(t, w.Contains(at(2026, 12, 1, 18, 0, 0)))
	require.False(t, w.Contains(w.Start.Add(-time.Nanosecond)))
	require.False(t, w.Contains(w.End.Add(time.Nanosecond)))
}

func TestFOCPolicyWindowStartOnlyRunsToMidnight(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	w := porting.FOCPolicy{WindowStart: 16 * time.Hour}.Windows(now, porting.USFederal{})
	require.NotEmpty(t, w)
	require.Equal(t, 16, w[0].Start.Hour())
	require.Equal(t, w[0].Start.Truncate(24*time.Hour).Add(24*time.Hour), w[0].End)
	require.True(t, porting.FOCPolicy{WindowStart: 16 * time.Hour}.Allows(w[0].Start.Add(time.Hour), now, porting.USFederal{}))
}

type noBusinessDays struct{}

func (noBusinessDays) BusinessDay(time.Time) bool { return false }

func TestFOCPolicyCalendarWithoutBusinessDaysEnds(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	require.Empty(t, porting.FOCPolicy{}.Windows(now, noBusinessDays{}))
	require.False(t, porting.FOCPolicy{}.Allows(now.AddDate(0, 0, 7), now, noBusinessDays{}))
}
