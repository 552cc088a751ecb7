package words

import (
	"fmt"
	"time"
)

// Dates and times are messages too, so each language says them its way
// ("2 January 2006, 15:04", "2 января 2006 г., 15:04"): the catalog orders
// the parts and names the months. Callers give the time in the zone to
// show it in.

var (
	// digitGroup goes between groups of three digits; English shows none.
	digitGroup = Message{ID: "DigitGroupSeparator"}

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

func day(t time.Time, months [12]Message) []arg {
	return []arg{{"Day", t.Day()}, {"Month", months[t.Month()-1]}, {"Year", t.Year()}}
}

func clock(t time.Time) []arg {
	return []arg{{"Hour", fmt.Sprintf("%02d", t.Hour())}, {"Minute", fmt.Sprintf("%02d", t.Minute())}}
}
