package punch

import (
	"math"
	"testing"

	"kintai"
)

func TestCredentialsValidate(t *testing.T) {
	tests := []struct {
		name  string
		c     Credentials
		field string // "" for valid
	}{
		{"none", Credentials{}, ""},
		{"card", Credentials{CardID: "01144E2B8A1C5F0D"}, ""},
		{"PIN of 4", Credentials{PIN: "0123"}, ""},
		{"PIN of 8", Credentials{PIN: "01234567"}, ""},
		{"descriptor and smile", Credentials{Descriptor: []float64{0.1}, Model: "faceapi-128", Smile: ptr(0.0)}, ""},
		{"smile of 1", Credentials{Smile: ptr(1.0)}, ""},
		{"card and PIN", Credentials{CardID: "A1", PIN: "1234"}, "card_id"},
		{"card with a space", Credentials{CardID: "A1 B2"}, "card_id"},
		{"card too long", Credentials{CardID: string(make([]byte, 65))}, "card_id"},
		{"PIN of 3", Credentials{PIN: "123"}, "pin"},
		{"PIN of 9", Credentials{PIN: "123456789"}, "pin"},
		{"PIN with a letter", Credentials{PIN: "12a4"}, "pin"},
		{"full-width PIN", Credentials{PIN: "１２３４"}, "pin"},
		{"smile above 1", Credentials{Smile: ptr(1.01)}, "smile"},
		{"negative smile", Credentials{Smile: ptr(-0.1)}, "smile"},
		{"NaN smile", Credentials{Smile: ptr(math.NaN())}, "smile"},
	}
	for _, tt := range tests {
		err := tt.c.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		e, ok := err.(*kintai.Error)
		if !ok || e.Code != kintai.EINVALID || e.Field != tt.field || e.Message == "" || e.MessageEN == "" {
			t.Errorf("%s: Validate() = %v, want an EINVALID error on %s with both messages", tt.name, err, tt.field)
		}
	}
}
