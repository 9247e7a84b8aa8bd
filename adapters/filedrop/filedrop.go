// Package filedrop is an e-invoicing platform over folders, the way many
// platforms (and their SFTP gateways) exchange files: documents and the
// seller's statuses are written to an outgoing folder, the platform's
// status messages are read from an incoming folder and moved to
// incoming/done once acknowledged.
//
// Layout under the root folder:
//
//	outgoing/<submission id>__<filename>   documents (written atomically)
//	outgoing/status-<status id>.json        statuses the seller sends (212)
//	incoming/*.json                         status messages, one JSON object
//	                                        (einvoice.StatusUpdate) or an array
//	incoming/done/                          acknowledged messages
//
// Sending is idempotent: a file already there with the same bytes is left
// alone; different bytes under the same ID are o2c.ErrConflict.
package filedrop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/o2c"
)

// Platform is an einvoice.Platform over a folder.
type Platform struct {
	root string

	mu     sync.Mutex
	source map[string]string // status ID -> incoming file it came from
}

var _ einvoice.Platform = (*Platform)(nil)

// New returns a Platform rooted at dir, creating its folders.
func New(dir string) (*Platform, error) {
	for _, d := range []string{"outgoing", "incoming", filepath.Join("incoming", "done")} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("filedrop: %w", err)
		}
	}
	return &Platform{root: dir, source: map[string]string{}}, nil
}

// safe keeps a name to letters, digits, '-', '_' and '.', so that an ID
// cannot leave the folder.
func safe(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	return strings.TrimLeft(s, ".")
}

// writeOnce writes data to path atomically (temporary file, then rename)
// unless the file exists: same bytes is a no-op, other bytes a conflict.
func writeOnce(path, kind, id string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil {
		if bytes.Equal(old, data) {
			return nil
		}
		return o2c.Conflict(kind, id, "sent before with different content")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filedrop: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("filedrop: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("filedrop: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	return nil
}

// Send implements einvoice.Platform.
func (p *Platform) Send(_ context.Context, s einvoice.Submission) error {
	if s.ID == "" || s.Filename == "" {
		return o2c.NewValidationError("submission", "id and filename are required")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	prefix := safe(s.ID) + "__"
	entries, err := os.ReadDir(filepath.Join(p.root, "outgoing"))
	if err != nil {
		return fmt.Errorf("filedrop: %w", err)
	}
	name := prefix + safe(s.Filename)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Name() != name {
			return o2c.Conflict("submission", s.ID, "sent before under another file name")
		}
	}
	return writeOnce(filepath.Join(p.root, "outgoing", name), "submission", s.ID, s.Data)
}

// SendStatus implements einvoice.Platform.
func (p *Platform) SendStatus(_ context.Context, u einvoice.StatusUpdate) error {
	if err := u.Validate(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(u, "", "  ")
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return writeOnce(filepath.Join(p.root, "outgoing", "status-"+safe(u.ID)+".json"), "status update", u.ID, append(b, '\n'))
}

// Statuses implements einvoice.Platform: every message of every .json file
// in incoming, files in name order. A file that is not a status message or
// a list of them is an error naming it, and nothing is returned.
func (p *Platform) Statuses(context.Context) ([]einvoice.StatusUpdate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	dir := filepath.Join(p.root, "incoming")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("filedrop: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out []einvoice.StatusUpdate
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("filedrop: %w", err)
		}
		var ups []einvoice.StatusUpdate
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			err = json.Unmarshal(trimmed, &ups)
		} else {
			var u einvoice.StatusUpdate
			err = json.Unmarshal(trimmed, &u)
			ups = []einvoice.StatusUpdate{u}
		}
		if err != nil {
			return nil, &o2c.ValidationError{Field: "incoming/" + name, Rule: "must be a status update or a list of them", Err: err}
		}
		for _, u := range ups {
			if err := u.Validate(); err != nil {
				return nil, fmt.Errorf("filedrop: incoming/%s: %w", name, err)
			}
			p.source[u.ID] = name
		}
		out = append(out, ups...)
	}
	return out, nil
}

// Ack implements einvoice.Platform: a file moves to incoming/done once all
// of its messages are acknowledged.
func (p *Platform) Ack(_ context.Context, ids ...string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	acked := map[string]bool{}
	for _, id := range ids {
		acked[id] = true
	}
	files := map[string]bool{}
	for id, f := range p.source {
		if acked[id] {
			files[f] = true
		}
	}
	for f := range files {
		all := true
		for id, g := range p.source {
			if g == f && !acked[id] {
				all = false
			}
		}
		if !all {
			continue
		}
		err := os.Rename(filepath.Join(p.root, "incoming", f), filepath.Join(p.root, "incoming", "done", f))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("filedrop: %w", err)
		}
		for id, g := range p.source {
			if g == f {
				delete(p.source, id)
			}
		}
	}
	return nil
}
