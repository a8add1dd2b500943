package calendar

import (
	"bytes"
	_ "embed"
	"slices"
	"sync"
)

// builtinCSV is a copy of the Cabinet Office's syukujitsu.csv
// (https://www8.cao.go.jp/chosei/shukujitsu/syukujitsu.csv), kept byte for
// byte in its own format (Shift_JIS, CRLF) so that a newer download can
// simply replace it. It covers 1955 to 2027.
//
//go:embed syukujitsu.csv
var builtinCSV []byte

var builtin = sync.OnceValue(func() []Day {
	days, err := Parse(bytes.NewReader(builtinCSV))
	if err != nil {
		// Tests parse the same bytes; only a broken build gets here.
		panic("calendar: built-in syukujitsu.csv: " + err.Error())
	}
	return days
})

// Builtin returns the national holidays of the built-in copy of the
// Cabinet Office's file, 1955 to 2027, in date order. The slice is the
// caller's own.
func Builtin() []Day { return slices.Clone(builtin()) }
