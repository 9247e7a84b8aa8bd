package postmortem_test

import (
	"fmt"

	"github.com/cashcycle/sdk/risk/postmortem"
)

// The post-mortem of a customer written off after a sales director
// released an order far above its limit and nobody reminded it for 30
// days after its last invoice fell due.
func ExampleAnalyze() {
	h := newGenerator(1).customer(true, planted{release: true, gap: true})
	rep, err := postmortem.Analyze(h, postmortem.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Default.Kind, "on", rep.Default.Date)
	for _, f := range rep.Findings {
		fmt.Printf("%d %-26s x%d\n", f.Severity, f.Rule, f.Count)
	}
	fmt.Println(rep.Findings[0].Detail)
	// Output:
	// written_off on 2026-08-21
	// 6 hold_released_above_limit  x1
	// 5 reminder_gap               x1
	// 4 exposure_over_limit        x2
	// hold released 1 time(s) above the credit limit (by sales.director 1)
}
