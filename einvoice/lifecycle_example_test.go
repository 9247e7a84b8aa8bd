package einvoice_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cashcycle/sdk/einvoice"
)

// Statuses arrive from the platform in any order and possibly twice; the
// timeline keeps them in time order and effects follow the latest.
func ExampleLifecycle_Receive() {
	ctx := context.Background()
	l := einvoice.NewLifecycle(einvoice.LifecycleOptions{})
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, u := range []einvoice.StatusUpdate{
		{ID: "a", Invoice: "F-1", Status: einvoice.StatusReceived, At: t0},
		{ID: "c", Invoice: "F-1", Status: einvoice.StatusApproved, At: t0.Add(2 * time.Hour)},
		{ID: "b", Invoice: "F-1", Status: einvoice.StatusDisputed, At: t0.Add(time.Hour)},     // late
		{ID: "c", Invoice: "F-1", Status: einvoice.StatusApproved, At: t0.Add(2 * time.Hour)}, // again
	} {
		effects, _ := l.Receive(ctx, u)
		fmt.Println(u.Status, "effects:", len(effects))
	}
	tl, _ := l.Timeline(ctx, "F-1")
	cur, _ := tl.Current()
	fmt.Println("current:", cur.Status)
	// Output:
	// 202 Reçue effects: 0
	// 205 Approuvée effects: 1
	// 207 En litige effects: 0
	// 205 Approuvée effects: 0
	// current: 205 Approuvée
}
