package letterpdf_test

import (
	"fmt"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/dunning/letterpdf"
)

// The French formal notice ("mise en demeure"), to print and send by
// registered post.
func ExampleRender() {
	pdf, err := letterpdf.Render(dunning.DefaultTemplates(), formalNotice())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(pdf[:8]))
	// Output:
	// %PDF-1.4
}
