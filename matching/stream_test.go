package matching_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/matching"
	"github.com/cashcycle/sdk/matching/statementtest"
	"github.com/cashcycle/sdk/o2c"
)

// manyStatements returns n balanced statements of k lines each.
func manyStatements(t testing.TB, n, k int) []matching.Statement {
	day := o2c.MustDate(2026, 3, 2)
	var out []matching.Statement
	for i := range n {
		st := matching.Statement{ID: fmt.Sprintf("S%04d", i), Sequence: fmt.Sprint(i + 1), AccountIBAN: "DE44500105175407324931"}
		for j := range k {
			dir := matching.Credit
			if j%3 == 2 {
				dir = matching.Debit
			}
			st.Lines = append(st.Lines, matching.Line{
				BookingDate: day, ValueDate: day, Amount: o2c.MustMoney(fmt.Sprintf("%d.%02d", 10+j, j%100), "EUR"), Direction: dir,
				CounterpartyName: "PAYER " + fmt.Sprint(j), RemittanceText: fmt.Sprintf("RE-2026-%04d", j), TransactionCode: "NTRF/166",
			})
		}
		require.NoError(t, statementtest.Balance(&st, o2c.MustMoney(fmt.Sprint(i), "EUR"), day))
		out = append(out, st)
	}
	return out
}

func TestParseEachStreamsStatements(t *testing.T) {
	sts := manyStatements(t, 20, 5)
	var mt, camt bytes.Buffer
	require.NoError(t, statementtest.WriteMT940(&mt, sts...))
	require.NoError(t, statementtest.WriteCAMT(&camt, statementtest.CAMT053v08, "M", sts...))
	for name, data := range map[string][]byte{"mt940": mt.Bytes(), "camt": camt.Bytes()} {
		t.Run(name, func(t *testing.T) {
			whole, err := matching.Parse(bytes.NewReader(data), "")
			require.NoError(t, err)
			var got []matching.Statement
			require.NoError(t, matching.ParseEach(bytes.NewReader(data), "", func(s matching.Statement) error {
				got = append(got, s)
				return nil
			}))
			require.Len(t, got, 20)
			for i := range got {
				assert.Equal(t, whole[i].ID, got[i].ID)
				assert.Equal(t, len(whole[i].Lines), len(got[i].Lines))
				assert.True(t, whole[i].ClosingBalance.Amount.Equal(got[i].ClosingBalance.Amount))
			}
			// The iterator, stopped early.
			n := 0
			for s, err := range matching.Statements(bytes.NewReader(data), "") {
				require.NoError(t, err)
				assert.Equal(t, sts[n].ID, s.ID)
				if n++; n == 3 {
					break
				}
			}
			assert.Equal(t, 3, n)
			// The callback's error stops the parse and comes back as is.
			stop := errors.New("enough")
			calls := 0
			err = matching.ParseEach(bytes.NewReader(data), "", func(matching.Statement) error {
				calls++
				return stop
			})
			assert.Same(t, stop, err)
			assert.Equal(t, 1, calls)
		})
	}
}

func TestParseEachRefusedStatementAfterGoodOnes(t *testing.T) {
	sts := manyStatements(t, 3, 2)
	var buf bytes.Buffer
	require.NoError(t, statementtest.WriteMT940(&buf, sts...))
	// The third statement's closing balance is off by one cent.
	data := buf.String()
	i := strings.LastIndex(data, ":62F:")
	j := i + strings.Index(data[i:], "\r\n")
	closing := data[i:j]
	bad := data[:i] + closing[:len(closing)-1] + string(closing[len(closing)-1]+1) + data[j:]
	var ids []string
	err := matching.ParseEach(strings.NewReader(bad), matching.FormatMT940, func(s matching.Statement) error {
		ids = append(ids, s.ID)
		return nil
	})
	assert.Equal(t, []string{"S0000", "S0001"}, ids, "the statements before the refused one were handed over")
	var be *matching.BalanceError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 3, be.Index)
	assert.Equal(t, "S0002 3", be.Statement)
	// Parse is all or nothing.
	all, err := matching.Parse(strings.NewReader(bad), matching.FormatMT940)
	assert.Nil(t, all)
	assert.ErrorIs(t, err, matching.ErrUnbalanced)
	// Statements ends with the error.
	var last error
	for _, err := range matching.Statements(strings.NewReader(bad), "") {
		last = err
	}
	assert.ErrorIs(t, last, matching.ErrUnbalanced)
}
