package password

import "testing"

func TestHashVerify(t *testing.T) {
	fast := Params{Memory: 1024, Time: 1, Threads: 1}
	h, err := Hash("correct horse battery", fast)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := Hash("correct horse battery", fast)
	if h == h2 {
		t.Errorf("two hashes of one password are equal; salt not random")
	}
	tests := []struct {
		name string
		pw   string
		want bool
	}{
		{"right", "correct horse battery", true},
		{"wrong", "correct horse batterz", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Verify(tt.pw, h)
			if err != nil || got != tt.want {
				t.Errorf("Verify(%q) = %v, %v, want %v", tt.pw, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, err := Verify("x", bad); err != ErrMalformed {
			t.Errorf("Verify(%q) error = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	if _, _, ok := Check("short"); ok {
		t.Error("Check(short) ok, want refused")
	}
	if ja, _, ok := Check("パスワード長い文字列です"); !ok {
		t.Errorf("Check(11 kana runes) refused: %s", ja)
	}
}
