package face

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// KeySize is the length of a template key: AES-256.
const KeySize = 32

// ParseKey reads a template key: 64 hexadecimal digits (surrounding white
// space ignored, as in a key file written by an editor) or 32 raw bytes.
func ParseKey(b []byte) ([]byte, error) {
	if t := bytes.TrimSpace(b); len(t) == 2*KeySize {
		k := make([]byte, KeySize)
		if _, err := hex.Decode(k, t); err == nil {
			return k, nil
		}
	}
	if len(b) == KeySize {
		return bytes.Clone(b), nil
	}
	return nil, fmt.Errorf("face key: want %d hexadecimal digits or %d raw bytes, got %d bytes", 2*KeySize, KeySize, len(b))
}

// NewKey returns a fresh random key, hex-encoded with a newline, for a key file.
func NewKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k) // never fails on supported platforms
	return []byte(hex.EncodeToString(k) + "\n")
}

// templateVersion is the first byte of a sealed template's plaintext.
const templateVersion = 1

// ErrOpen is returned when a sealed template cannot be opened: a wrong
// key, a template moved to another staff member or model, or tampering.
var ErrOpen = errors.New("face: template cannot be opened (wrong key, moved or altered)")

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("face key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// additionalData binds a sealed template to its model and staff member, so
// that a template copied to another person's row does not open.
func additionalData(model string, staffID int64) []byte {
	return []byte("kintai-face-template/v1\x00" + model + "\x00" + strconv.FormatInt(staffID, 10))
}

// Seal encrypts the samples of staff member staffID with AES-GCM under
// key. The result is the random nonce followed by the ciphertext.
func Seal(key []byte, model string, staffID int64, samples []Descriptor) ([]byte, error) {
	if len(samples) == 0 || len(samples) > 255 {
		return nil, fmt.Errorf("face: cannot seal %d samples", len(samples))
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, 2, 2+len(samples)*Dim*4)
	plain[0], plain[1] = templateVersion, byte(len(samples))
	for i := range samples {
		for _, x := range samples[i] {
			plain = binary.LittleEndian.AppendUint32(plain, math.Float32bits(x))
		}
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(nonce, nonce, plain, additionalData(model, staffID)), nil
}

// Open decrypts a template sealed by Seal for the same model and staff member.
func Open(key []byte, model string, staffID int64, sealed []byte) ([]Descriptor, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrOpen
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], additionalData(model, staffID))
	if err != nil {
		return nil, ErrOpen
	}
	if len(plain) < 2 || plain[0] != templateVersion || len(plain) != 2+int(plain[1])*Dim*4 {
		return nil, fmt.Errorf("face: malformed template")
	}
	out := make([]Descriptor, plain[1])
	p := plain[2:]
	for i := range out {
		for j := range out[i] {
			out[i][j] = math.Float32frombits(binary.LittleEndian.Uint32(p))
			p = p[4:]
		}
	}
	return out, nil
}
