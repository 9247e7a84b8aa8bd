// Package docstest keeps the README's state diagrams equal to the
// transition tables they describe: the diagrams are generated from the
// tables, and this test fails when the README shows an older version.
package docstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/order"
)

func TestReadmeStateDiagramsMatchTheTables(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for name, diagram := range map[string]string{"order": order.MermaidDiagram(), "invoice": invoice.MermaidDiagram()} {
		block := "```mermaid\n" + strings.TrimRight(diagram, "\n") + "\n```"
		if !strings.Contains(readme, block) {
			t.Errorf("README.md does not show the current %s state diagram; paste this block:\n%s", name, block)
		}
	}
}
