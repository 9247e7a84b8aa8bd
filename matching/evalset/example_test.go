package evalset_test

import (
	"fmt"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/evalset"
)

// Generate a lockbox timeline and score the engine on it, day by day.
func Example() {
	tl, err := evalset.Generate(evalset.Options{Profile: evalset.Lockbox, Level: evalset.Easy, Seed: 1, Customers: 20, Days: 5, PerDay: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := evalset.NewReport("lockbox/easy")
	err = tl.Replay(r, func(in matching.Input, lines []matching.Line) ([]matching.Result, error) {
		return matching.Match(in, lines, matching.Options{})
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tl.Days)-1, "days,", r.Lines, "lines, wrong automatic decisions:", r.WrongTotal())
	// Output: 5 days, 20 lines, wrong automatic decisions: 0
}
