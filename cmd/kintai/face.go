package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"kintai"
	"kintai/face"
	"kintai/store"
)

const faceUsage = "Usage: kintai face purge [--db DB] [--tz ZONE]\n" +
	"       kintai face keygen FILE"

func runFace(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "purge":
			return runFacePurge(ctx, args[1:], stdout, stderr)
		case "keygen":
			return runFaceKeygen(args[1:], stdout, stderr)
		case "-h", "--help":
			fmt.Fprintln(stdout, faceUsage+"\n\n"+
				"purge:  delete the face templates of staff whose 任用期間 has ended (the server also does this daily).\n"+
				"        Each deletion is audited with the staff member and model, never the template.\n"+
				"keygen: write a new face template key (64 hex digits) to FILE, readable by its owner only.\n"+
				"        Serve with --face-key-file FILE. Keep it apart from database backups: without it the\n"+
				"        templates cannot be read, and with another key every staff member must enrol again.")
			return nil
		}
	}
	fmt.Fprintln(stderr, faceUsage)
	return exitError(2)
}

func runFacePurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("face purge", "Delete the face templates of staff whose 任用期間 ended before today (audited as face.purge).", stderr)
	var f dbFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	loc, err := f.location()
	if err != nil {
		return err
	}
	db, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	today := kintai.DateOf(clock(), loc)
	var purged []store.PurgedTemplate
	if err := db.WithTx(ctx, kintai.Actor{System: true}, func(tx *store.Tx) (err error) {
		purged, err = tx.PurgeFaceTemplates(ctx, today)
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "顔テンプレート削除: %d face template(s) of staff whose appointment ended before %s deleted\n", len(purged), today)
	for _, p := range purged {
		fmt.Fprintf(stdout, "  staff %d (%s)\n", p.StaffID, p.Model)
	}
	return nil
}

func runFaceKeygen(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] == "" || args[0][0] == '-' {
		fmt.Fprintln(stderr, "Usage: kintai face keygen FILE")
		return exitError(2)
	}
	if err := writeKeyFile(args[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "顔テンプレート鍵を作成しました: new face template key written to %s (mode 0600)\n", args[0])
	return nil
}

// writeKeyFile writes a new key to path, refusing to replace an existing
// file: a lost key makes every template unreadable.
func writeKeyFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("face key file: %w", err)
	}
	if _, err := f.Write(face.NewKey()); err != nil {
		f.Close()
		return fmt.Errorf("face key file: %w", err)
	}
	return f.Close()
}

// faceKeyFlags are serve's face recognition settings.
type faceKeyFlags struct {
	keyFile string
	keyHex  string // KINTAI_FACE_KEY
}

// load returns the key from the file or the environment, nil when neither
// is set, and says where it came from.
func (f faceKeyFlags) load() (key []byte, from string, err error) {
	switch {
	case f.keyFile != "" && f.keyHex != "":
		return nil, "", errors.New("face key: set --face-key-file (KINTAI_FACE_KEY_FILE) or KINTAI_FACE_KEY, not both")
	case f.keyFile != "":
		b, err := os.ReadFile(f.keyFile)
		if err != nil {
			return nil, "", fmt.Errorf("face key: %w", err)
		}
		if st, err := os.Stat(f.keyFile); err == nil && st.Mode().Perm()&0o077 != 0 {
			slog.Warn("the face key file can be read by other users; chmod 600 it", "file", f.keyFile, "mode", st.Mode().Perm().String())
		}
		key, err := face.ParseKey(b)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", f.keyFile, err)
		}
		return key, "file " + f.keyFile, nil
	case f.keyHex != "":
		key, err := face.ParseKey([]byte(f.keyHex))
		if err != nil || len(f.keyHex) < 2*face.KeySize {
			return nil, "", errors.New("KINTAI_FACE_KEY: want 64 hexadecimal digits")
		}
		return key, "KINTAI_FACE_KEY", nil
	}
	return nil, "", nil
}

// demoKeyFile returns the key file a demo server uses beside its SQLite
// database, creating it on first use.
func demoKeyFile(dbPath string) (string, error) {
	path := dbPath + ".face-key"
	if _, err := os.Stat(path); err == nil {
		return path, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return path, writeKeyFile(path)
}
