package facturx_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/cashcycle/sdk/einvoice/facturx"
)

func ExampleWrite() {
	doc := demo(&testing.T{})
	pdf, cii, err := facturx.Write(doc, facturx.Options{Language: "fr"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(pdf[:8]))
	fmt.Println(bytes.Contains(pdf, []byte("/AFRelationship /Data")), bytes.HasPrefix(cii, []byte("<?xml")))
	// Output:
	// %PDF-1.4
	// true true
}
