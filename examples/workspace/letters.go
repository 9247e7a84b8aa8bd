package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// letterBox is the workspace's dunning notifier: it keeps every letter it
// is given, rendered, as files in a folder of its tenant, so that the
// letters can be read in the workspace ("sent" by writing them). A letter
// whose files exist is delivered already (delivery is at least once).
type letterBox struct {
	dir    string
	tenant o2c.TenantID
}

// storedLetter is the metadata kept next to a letter's HTML.
type storedLetter struct {
	Key      string `json:"key"`
	Subject  string `json:"subject"`
	Customer string `json:"customer"`
	Date     string `json:"date"`
	Level    string `json:"level"`
	Total    string `json:"total"`
}

func newLetterBox(root string, tenant o2c.TenantID) (*letterBox, error) {
	dir := filepath.Join(root, string(tenant))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &letterBox{dir: dir, tenant: tenant}, nil
}

func (b *letterBox) name(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(b.dir, hex.EncodeToString(sum[:16]))
}

// Deliver implements dunning.Notifier.
func (b *letterBox) Deliver(_ context.Context, d dunning.Delivery) error {
	if !strings.HasPrefix(d.Key, string(b.tenant)+"/") {
		return fmt.Errorf("letter %q is not of tenant %s", d.Key, b.tenant)
	}
	base := b.name(d.Key)
	if _, err := os.Stat(base + ".json"); err == nil {
		return nil
	}
	meta, err := json.Marshal(storedLetter{Key: d.Key, Subject: d.Rendered.Subject, Customer: d.Letter.Debtor.Name,
		Date: d.Letter.Date.String(), Level: d.Letter.LevelName, Total: d.Letter.Total.String()})
	if err != nil {
		return err
	}
	if err := os.WriteFile(base+".html", []byte(d.Rendered.HTML), 0o644); err != nil {
		return err
	}
	// the metadata last: its presence says the letter is complete
	return os.WriteFile(base+".json", meta, 0o644)
}

// Letter returns a delivered letter's metadata and HTML; o2c.ErrNotFound
// when the box has no letter under key.
func (b *letterBox) Letter(key string) (storedLetter, []byte, error) {
	base := b.name(key)
	raw, err := os.ReadFile(base + ".json")
	if errors.Is(err, os.ErrNotExist) {
		return storedLetter{}, nil, o2c.ErrNotFound
	}
	if err != nil {
		return storedLetter{}, nil, err
	}
	var m storedLetter
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, nil, err
	}
	html, err := os.ReadFile(base + ".html")
	return m, html, err
}
