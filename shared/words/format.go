package words

import (
	"fmt"
	"strconv"
	"time"
)

// Dates and times are messages too, so each language says them its way
// ("2 January 2006, 15:04", "2 января 2006 г., 15:04"): the catalog orders
// the parts and names the months. Callers give the time in the zone to
// show it in.

var (
	// digitGroup goes between groups of three digits; English shows none.
	digitGroup = Message{ID: "DigitGroupSeparator"}
	// minimumGrouping is CLDR's minimumGroupingDigits: how many digits
	// the highest group needs before a number is grouped at all (Russian
	// 1: "1 234"; Spanish 2: "1234" but "12 345").
	minimumGrouping = Message{ID: "MinimumGroupingDigits"}

	monthsLong = [12]Message{{ID: "MonthJanuary"}, {ID: "MonthFebruary"}, {ID: "MonthMarch"}, {ID: "MonthApril"},
		{ID: "MonthMay"}, {ID: "MonthJune"}, {ID: "MonthJuly"}, {ID: "MonthAugust"}, {ID: "MonthSeptember"},
		{ID: "MonthOctober"}, {ID: "MonthNovember"}, {ID: "MonthDecember"}}
	monthsShort = [12]Message{{ID: "MonthJan"}, {ID: "MonthFeb"}, {ID: "MonthMar"}, {ID: "MonthApr"},
		{ID: "MonthMayShort"}, {ID: "MonthJun"}, {ID: "MonthJul"}, {ID: "MonthAug"}, {ID: "MonthSep"},
		{ID: "MonthOct"}, {ID: "MonthNov"}, {ID: "MonthDec"}}
)

// Date is a day: "2 January 2006".
func Date(t time.Time) Message {
	return Message{ID: "FormatDate", args: day(t, monthsLong)}
}

// DateTime is a day and a time of day: "2 January 2006, 15:04".
func DateTime(t time.Time) Message {
	return Message{ID: "FormatDateTime", args: append(day(t, monthsLong), clock(t)...)}
}

// DateTimeSeconds is a moment to the second, its month short: "2 Jan 2006,
// 15:04:05", as tables of events show it.
func DateTimeSeconds(t time.Time) Message {
	return Message{ID: "FormatDateTimeSeconds", args: append(append(day(t, monthsShort), clock(t)...),
		arg{"Second", fmt.Sprintf("%02d", t.Second())})}
}

// ShortDate is a day as the app shows every date, its month short as in
// DateTimeSeconds: "2 Jan 2006". One format per language on every screen.
func ShortDate(t time.Time) Message {
	return Message{ID: "FormatDate", args: day(t, monthsShort)}
}

// ShortDateTime is a day and a time of day, its month short: "2 Jan 2006,
// 15:04".
func ShortDateTime(t time.Time) Message {
	return Message{ID: "FormatDateTime", args: append(day(t, monthsShort), clock(t)...)}
}

func day(t time.Time, months [12]Message) []arg {
	// The year is a string: no language groups its digits ("2026").
	return []arg{{"Day", t.Day()}, {"Month", months[t.Month()-1]}, {"Year", strconv.Itoa(t.Year())}}
}

func clock(t time.Time) []arg {
	return []arg{{"Hour", fmt.Sprintf("%02d", t.Hour())}, {"Minute", fmt.Sprintf("%02d", t.Minute())}}
}
