package kintai

import "testing"

func TestPrefixField(t *testing.T) {
	err := PrefixField(Invalid("units", "単位", "units"), "types[2].")
	if e, ok := err.(*Error); !ok || e.Field != "types[2].units" || e.Message != "単位" {
		t.Errorf("PrefixField(EINVALID units) = %#v, want field types[2].units", err)
	}
	nf := NotFound("職員", "Staff")
	if got := PrefixField(nf, "x."); got != error(nf) {
		t.Errorf("PrefixField(ENOTFOUND) = %v, want the error unchanged", got)
	}
}
