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
	digitGroup = text("DigitGroupSeparator")

	monthsLong = [12]Message{text("MonthJanuary"), text("MonthFebruary"), text("MonthMarch"),
		text("MonthApril"), text("MonthMay"), text("MonthJune"), text("MonthJuly"), text("MonthAugust"),
		text("MonthSeptember"), text("MonthOctober"), text("MonthNovember"), text("MonthDecember")}
	monthsShort = [12]Message{text("MonthJan"), text("MonthFeb"), text("MonthMar"), text("MonthApr"),
		text("MonthMayShort"), text("MonthJun"), text("MonthJul"), text("MonthAug"), text("MonthSep"),
		text("MonthOct"), text("MonthNov"), text("MonthDec")}

	dateParams = []param{paramOf[int]("Day"), paramOf[Message]("Month"), paramOf[int]("Year")}
	timeParams = []param{paramOf[string]("Hour"), paramOf[string]("Minute")}
)

func init() {
	declare("FormatDate", dateParams...)
	declare("FormatDateTime", append(dateParams[:3:3], timeParams...)...)
	declare("FormatDateTimeSeconds", append(dateParams[:3:3], append(timeParams[:2:2], paramOf[string]("Second"))...)...)
}

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
