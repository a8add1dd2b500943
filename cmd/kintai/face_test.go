package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kintai"
	"kintai/face"
	"kintai/store"
)

func TestFaceKeygenAndLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "face.key")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"face", "keygen", path}, &stdout, &stderr); err != nil {
		t.Fatalf("face keygen: %v %s", err, stderr.String())
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v, want 0600", err, st.Mode())
	}
	if err := run(context.Background(), []string{"face", "keygen", path}, &stdout, &stderr); err == nil {
		t.Error("face keygen over an existing key file succeeded, want a refusal")
	}
	raw, _ := os.ReadFile(path)
	want, err := face.ParseKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	hexKey := strings.TrimSpace(string(raw))
	tests := []struct {
		name  string
		flags faceKeyFlags
		want  []byte
		err   bool
	}{
		{"none", faceKeyFlags{}, nil, false},
		{"file", faceKeyFlags{keyFile: path}, want, false},
		{"environment", faceKeyFlags{keyHex: hexKey}, want, false},
		{"both", faceKeyFlags{keyFile: path, keyHex: hexKey}, nil, true},
		{"missing file", faceKeyFlags{keyFile: filepath.Join(dir, "nope")}, nil, true},
		{"short hex", faceKeyFlags{keyHex: hexKey[:40]}, nil, true},
		{"32 characters are not a key in the environment", faceKeyFlags{keyHex: hexKey[:32]}, nil, true},
	}
	for _, tt := range tests {
		got, _, err := tt.flags.load()
		if (err != nil) != tt.err || !bytes.Equal(got, tt.want) {
			t.Errorf("%s: load() = %x, %v; want %x, error %v", tt.name, got, err, tt.want, tt.err)
		}
	}

	db := filepath.Join(dir, "kintai.db")
	first, err := demoKeyFile(db)
	if err != nil || first != db+".face-key" {
		t.Fatalf("demoKeyFile = %q, %v", first, err)
	}
	before, _ := os.ReadFile(first)
	if again, err := demoKeyFile(db); err != nil || again != first {
		t.Fatalf("demoKeyFile again = %q, %v", again, err)
	}
	if after, _ := os.ReadFile(first); !bytes.Equal(before, after) {
		t.Error("demoKeyFile replaced an existing key: the demo's templates would be lost")
	}
}

func TestFacePurgeCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kintai.db")
	db, err := store.Open(ctx, path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	key := bytes.Repeat([]byte{1}, face.KeySize)
	var ended, current kintai.Staff
	err = db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) error {
		u := kintai.OrgUnit{Code: "U1", Name: "総務課", Kind: kintai.Section}
		if err := tx.CreateOrgUnit(ctx, &u); err != nil {
			return err
		}
		ended = kintai.Staff{StaffNo: "1", Name: "終了 者", Kana: "シュウリョウ", EmploymentType: kintai.FiscalPart,
			AppointedOn: kintai.NewDate(2020, 4, 1), AppointmentEndsOn: kintai.NewDate(2021, 3, 31), OrgUnitID: u.ID}
		current = kintai.Staff{StaffNo: "2", Name: "在職 者", Kana: "ザイショク", EmploymentType: kintai.Regular,
			AppointedOn: kintai.NewDate(2020, 4, 1), OrgUnitID: u.ID}
		for _, s := range []*kintai.Staff{&ended, &current} {
			if err := tx.CreateStaff(ctx, s); err != nil {
				return err
			}
			sealed, err := face.Seal(key, face.Model, s.ID, make([]face.Descriptor, 3))
			if err != nil {
				return err
			}
			if err := tx.SaveFaceTemplate(ctx, &store.FaceTemplate{StaffID: s.ID, Model: face.Model, Samples: 3, Ciphertext: sealed}, "test"); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"face", "purge", "--db", path}, &stdout, &stderr); err != nil {
		t.Fatalf("face purge: %v %s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "1 face template(s)") {
		t.Errorf("face purge said %q, want one template deleted", stdout.String())
	}
	db, err = store.Open(ctx, path, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.FindFaceTemplate(ctx, ended.ID); kintai.ErrorCode(err) != kintai.ENOTFOUND {
		t.Errorf("template of the ended appointment: %v, want deleted", err)
	}
	if _, err := db.FindFaceTemplate(ctx, current.ID); err != nil {
		t.Errorf("template of the current appointment: %v, want kept", err)
	}
	if err := run(ctx, []string{"face"}, &stdout, &stderr); err == nil {
		t.Error("kintai face without a subcommand succeeded, want a usage error")
	}
}
