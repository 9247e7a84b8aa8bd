// Package archtest keeps the module's dependency direction true (see
// docs/architecture.md): o2c <- base <- {order, invoice} <- {credit,
// dunning, matching} <- composition and adapters <- examples. It runs
// `go list` over the module and fails on any edge against that direction.
package archtest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cashcycle/sdk"

// tier of each domain package (relative path). A package may import
// packages of a strictly lower tier only; test-support packages (suffix
// "test") sit with their domain and may import it.
var tiers = map[string]int{
	"o2c":       0,
	"customer":  1,
	"outbox":    1,
	"tax":       1,
	"order":     2,
	"invoice":   2,
	"credit":    3,
	"dunning":   3,
	"matching":  3,
	"report":    3,
	"einvoice":  3,
	"collect":   3,
	"ledger":    3,
	"risk":      4,
	"cycle":     5,
	"telemetry": 0,
	// the storage kernel (o2c only) and the domain stores written on it
	"kernel": 1,
	"stores": 4,
}

// forbidden in every domain package, directly or not.
var forbiddenInDomain = []string{"database/sql", "net/http"}

// forbidden as direct imports of a domain package (the standard library may
// use log internally; a domain package takes an optional *slog.Logger only
// in the composition tier).
var forbiddenDirect = []string{"log", "database/sql", "net/http"}

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	touchSources(t)
	cmd := exec.Command("go", "list", "-deps=false", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(&out)
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 3 {
		t.Fatalf("go list found %d packages; is the test running in the module?", len(pkgs))
	}
	return pkgs
}

// domainOf returns the domain a package belongs to ("order" for
// .../order and .../order/ordertest) and whether it is a test-support package.
func domainOf(path string) (string, bool, bool) {
	rel, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return "", false, false
	}
	parts := strings.Split(rel, "/")
	if _, known := tiers[parts[0]]; !known {
		return parts[0], false, false
	}
	support := len(parts) > 1 && strings.HasSuffix(parts[len(parts)-1], "test")
	return parts[0], support, true
}

func TestDependencyDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		from, fromSupport, fromDomain := domainOf(p.ImportPath)
		for _, imp := range p.Imports {
			to, _, toDomain := domainOf(imp)
			rel := strings.TrimPrefix(imp, module+"/")
			switch {
			case fromDomain && strings.HasPrefix(rel, "adapters"):
				t.Errorf("%s imports adapter %s: domain packages never import adapters", p.ImportPath, imp)
			case fromDomain && toDomain && from != to && tiers[to] >= tiers[from]:
				t.Errorf("%s (tier %d) imports %s (tier %d): imports must point to a lower tier; siblings talk through interfaces the consumer owns",
					p.ImportPath, tiers[from], imp, tiers[to])
			case fromDomain && !fromSupport && from == to && imp != p.ImportPath && strings.HasSuffix(imp, "test"):
				t.Errorf("%s imports its test-support package %s", p.ImportPath, imp)
			}
			if strings.HasPrefix(strings.TrimPrefix(p.ImportPath, module+"/"), "adapters/") && strings.HasPrefix(rel, "adapters/") {
				a, b := adapterOf(p.ImportPath), adapterOf(imp)
				if a != b {
					t.Errorf("%s imports %s: adapters never import each other", p.ImportPath, imp)
				}
			}
		}
		if fromDomain && !fromSupport {
			for _, bad := range forbiddenDirect {
				if slices.Contains(p.Imports, bad) {
					t.Errorf("%s imports %s: domain packages stay free of storage, transport and logging libraries", p.ImportPath, bad)
				}
			}
			for _, imp := range p.Imports {
				if strings.Contains(imp, "sqlite") || strings.Contains(imp, "jackc/pgx") || strings.Contains(imp, "logrus") || strings.Contains(imp, "zap") {
					t.Errorf("%s imports %s: no driver or logging library in a domain package", p.ImportPath, imp)
				}
			}
		}
	}
}

func adapterOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, module+"/"), "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// TestDomainPackagesHaveNoForbiddenTransitiveDeps checks the whole
// dependency closure, not only direct imports.
func TestDomainPackagesHaveNoForbiddenTransitiveDeps(t *testing.T) {
	for _, p := range listPackages(t) {
		if _, support, domain := domainOf(p.ImportPath); !domain || support {
			continue
		}
		cmd := exec.Command("go", "list", "-deps", p.ImportPath)
		cmd.Dir = filepath.Join("..", "..")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", p.ImportPath, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if slices.Contains(forbiddenInDomain, dep) || strings.HasPrefix(dep, module+"/adapters") {
				t.Errorf("%s depends on %s", p.ImportPath, dep)
			}
		}
	}
}

func TestTierTableKnowsEveryTopLevelPackage(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		top := strings.Split(rel, "/")[0]
		if _, ok := tiers[top]; ok || top == "adapters" || top == "examples" || top == "internal" {
			continue
		}
		t.Errorf("package %s is in no tier: add %q to the tiers table and to docs/architecture.md", p.ImportPath, top)
	}
}

// touchSources opens every directory and Go file of the module so that
// `go test` caching sees them as inputs: the result of the go list
// subprocess is otherwise invisible to the cache, and an edit that adds a
// wrong import would be answered from a stale pass.
func touchSources(t *testing.T) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			_, err := os.ReadDir(path)
			return err
		}
		if strings.HasSuffix(path, ".go") || d.Name() == "go.mod" {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			return f.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
