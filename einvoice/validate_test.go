package einvoice_test

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const installHint = "apt-get install -y default-jre-headless libsaxonhe-java libxml2-utils qpdf"

// needTool skips the test when a tool is missing, and fails it under
// CI=true, where .ci/run installs them.
func needTool(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required under CI (%s)", tool, installHint)
		}
		t.Skipf("%s not installed: skipping (%s)", tool, installHint)
	}
}

func saxonJar(t *testing.T) string {
	t.Helper()
	needTool(t, "java")
	jar := os.Getenv("SAXON_JAR")
	if jar == "" {
		jar = "/usr/share/java/Saxon-HE.jar"
	}
	if _, err := os.Stat(jar); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Saxon-HE is required under CI (%s)", installHint)
		}
		t.Skipf("Saxon-HE not installed at %s: skipping (%s)", jar, installHint)
	}
	return jar
}

// failure is one failed Schematron assertion or XSD error.
type failure struct {
	File, Flag, ID, Text string
}

func (f failure) String() string { return fmt.Sprintf("%s: %s %s: %s", f.File, f.Flag, f.ID, f.Text) }

const validators = "testdata/en16931"

// validate runs the official CEN EN 16931 Schematron (compiled to XSLT,
// run by Saxon-HE, one JVM per syntax for the whole batch) on the files,
// and the CII D16B XSD (xmllint) on the CII ones. files maps a file name
// ending in .cii.xml or .ubl.xml to its content. It returns every failed
// assertion, warnings included.
func validate(t *testing.T, files map[string][]byte) []failure {
	t.Helper()
	jar := saxonJar(t)
	needTool(t, "xmllint")
	dir := t.TempDir()
	byKind := map[string][]string{}
	for name, b := range files {
		kind := "ubl"
		if strings.HasSuffix(name, ".cii.xml") {
			kind = "cii"
		}
		require.NoError(t, os.MkdirAll(filepath.Join(dir, kind), 0o755))
		p := filepath.Join(dir, kind, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		byKind[kind] = append(byKind[kind], p)
	}
	var fails []failure
	if ciiFiles := byKind["cii"]; len(ciiFiles) > 0 {
		xsd := filepath.Join(validators, "cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd")
		for _, f := range ciiFiles {
			out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput()
			if err != nil {
				fails = append(fails, failure{File: filepath.Base(f), Flag: "fatal", ID: "XSD", Text: string(out)})
			}
		}
	}
	for kind, xsl := range map[string]string{
		"cii": "cii/xslt/EN16931-CII-validation.xslt",
		"ubl": "ubl/xslt/EN16931-UBL-validation.xslt",
	} {
		if len(byKind[kind]) == 0 {
			continue
		}
		outDir := filepath.Join(dir, kind+"-svrl")
		require.NoError(t, os.MkdirAll(outDir, 0o755))
		cmd := exec.Command("java", "-jar", jar, "-s:"+filepath.Join(dir, kind), "-xsl:"+filepath.Join(validators, xsl), "-o:"+outDir)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "Saxon: %s", out)
		for _, f := range byKind[kind] {
			svrl, err := os.ReadFile(filepath.Join(outDir, filepath.Base(f)))
			require.NoError(t, err)
			fails = append(fails, failedAsserts(t, filepath.Base(f), svrl)...)
		}
	}
	sort.Slice(fails, func(i, j int) bool { return fails[i].String() < fails[j].String() })
	return fails
}

func failedAsserts(t *testing.T, name string, svrl []byte) []failure {
	t.Helper()
	var out []failure
	dec := xml.NewDecoder(strings.NewReader(string(svrl)))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "failed-assert" {
			continue
		}
		var fa struct {
			Flag string `xml:"flag,attr"`
			ID   string `xml:"id,attr"`
			Text string `xml:"text"`
		}
		require.NoError(t, dec.DecodeElement(&fa, &se))
		if fa.Flag == "" {
			fa.Flag = "fatal"
		}
		out = append(out, failure{File: name, Flag: fa.Flag, ID: fa.ID, Text: strings.Join(strings.Fields(fa.Text), " ")})
	}
	return out
}
