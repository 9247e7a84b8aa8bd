package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cashcycle/sdk/o2c"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// camtJSON walks the genkgo/camt expected parse (.json): objects carry a
// "__CLASS__"; an object printed once is "__RECURSIVITY__" afterwards.
type camtJSON map[string]any

func (o camtJSON) obj(key string) camtJSON {
	if m, ok := o[key].(map[string]any); ok {
		return m
	}
	return nil
}

func (o camtJSON) str(key string) string {
	s, _ := o[key].(string)
	return s
}

func (o camtJSON) list(key string) []camtJSON {
	var out []camtJSON
	if a, ok := o[key].([]any); ok {
		for _, x := range a {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// collect returns every object whose class ends with suffix, depth first.
func collect(v any, suffix string, out *[]camtJSON) {
	switch x := v.(type) {
	case map[string]any:
		if c, _ := x["__CLASS__"].(string); strings.HasSuffix(c, suffix) {
			*out = append(*out, x)
		}
		for _, k := range sortedKeys(x) {
			collect(x[k], suffix, out)
		}
	case []any:
		for _, e := range x {
			collect(e, suffix, out)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// minor renders a Money in minor units, as genkgo prints it.
func minor(m o2c.Money) string {
	return m.Amount().Shift(m.Currency().Digits()).Round(0).String()
}

func moneyJSON(o camtJSON) (string, string) {
	if o == nil {
		return "", ""
	}
	// genkgo signs amounts by direction; lines carry the size and a Direction.
	return strings.TrimPrefix(o.str("getAmount"), "-"), o.obj("getCurrency").str("getCode")
}

type expLine struct {
	amount, currency, dir, booking, value, e2e, bankRef string
	refs                                                []string
}

func lineKey(amount, currency, dir, booking, value string) string {
	return strings.Join([]string{amount, currency, dir, booking, value}, "|")
}

var balanceTypes = map[string]string{
	"opening": "OPBD", "closing": "CLBD", "opening_available": "OPAV", "closing_available": "CLAV",
	"forward_available": "FWAV", "interim": "ITBD", "interim_available": "ITAV", "information": "INFO",
}

// TestCAMTSamples reads every camt sample and compares with the genkgo/camt
// expected parse: entry and line counts, amounts (minor units), currencies,
// directions, booking and value dates, end-to-end ids, the bank's
// reference, creditor references, statement ids and every balance.
func TestCAMTSamples(t *testing.T) {
	files, err := filepath.Glob("testdata/camt/*.json")
	require.NoError(t, err)
	require.Len(t, files, 16)
	for _, jf := range files {
		name := strings.TrimSuffix(filepath.Base(jf), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(jf)
			require.NoError(t, err)
			var root map[string]any
			require.NoError(t, json.Unmarshal(raw, &root))
			xmlData, err := os.ReadFile(strings.TrimSuffix(jf, ".json") + ".xml")
			require.NoError(t, err)
			sts, err := ParseCAMT(bytes.NewReader(xmlData), AcceptPartial())
			require.NoError(t, err)
			wantFormat := FormatCAMT053
			if strings.HasPrefix(name, "camt054") {
				wantFormat = FormatCAMT054
			}

			var entries, records []camtJSON
			collect(root, `\DTO\Entry`, &entries)
			collect(root, `\DTO\Statement`, &records)
			collect(root, `\DTO\Notification`, &records)
			require.NotEmpty(t, entries)

			var want []expLine
			for _, e := range entries {
				// The first detail is also printed as getTransactionDetail, and
				// then only referred to in the list.
				var txs []camtJSON
				if raw, ok := e["getTransactionDetails"].([]any); ok {
					for i, x := range raw {
						if m, ok := x.(map[string]any); ok {
							txs = append(txs, m)
						} else if i == 0 && e.obj("getTransactionDetail") != nil {
							txs = append(txs, e.obj("getTransactionDetail"))
						}
					}
				}
				split := len(txs) > 1
				for _, tx := range txs {
					if tx.obj("getAmount") == nil {
						split = false
					}
				}
				date := func(key string) string {
					d := e.obj(key).str("0")
					if len(d) >= 10 {
						return d[:10]
					}
					return ""
				}
				base := expLine{dir: e.str("getCreditDebitIndicator"), booking: date("getBookingDate"), value: date("getValueDate"), bankRef: e.str("getAccountServicerReference")}
				base.amount, base.currency = moneyJSON(e.obj("getAmount"))
				if !split {
					l := base
					if len(txs) > 0 {
						l.e2e = txs[0].obj("getReference").str("getEndToEndId")
					}
					for _, tx := range txs {
						for _, sb := range tx.obj("getRemittanceInformation").list("getStructuredBlocks") {
							if r := sb.obj("getCreditorReferenceInformation").str("getRef"); r != "" {
								l.refs = append(l.refs, r)
							}
						}
					}
					want = append(want, l)
					continue
				}
				for _, tx := range txs {
					l := base
					l.amount, l.currency = moneyJSON(tx.obj("getAmount"))
					// genkgo gives each transaction the entry's direction; the
					// samples' TxDtls state their own (CRDT in a DBIT entry), which
					// this parser follows: the direction is checked in TestCAMTDetails.
					l.dir = ""
					l.e2e = tx.obj("getReference").str("getEndToEndId")
					if r := tx.obj("getReference").str("getAccountServicerReference"); r != "" {
						l.bankRef = r
					}
					want = append(want, l)
				}
			}

			var got []Line
			for _, s := range sts {
				assert.Equal(t, wantFormat, s.Format)
				got = append(got, s.Lines...)
			}
			if name == "camt053.v2.multi.statement" {
				// genkgo's message lists only the last statement's entry.
				require.Len(t, sts, 2)
				assert.Equal(t, "253EURNL26VAYB8060476890", sts[0].ID)
				assert.Equal(t, "254EURNL26VAYB8060476890", sts[1].ID)
				require.Len(t, sts[0].Lines, 1)
				require.Len(t, sts[1].Lines, 1)
				got = sts[1].Lines
			}
			if name == "camt054.v4" || name == "camt054.v8" {
				// The sample's three TxDtls (3.10, 3.20 and 3.20 CHF, CRDT) do not
				// add up to their entry (200000 SEK, DBIT): split, the lines would
				// not be what was booked, so the entry stays one line of its
				// booked amount (genkgo lists the three transactions).
				require.Len(t, got, 1)
				assert.Equal(t, "200000.00 SEK", got[0].Amount.String())
				assert.Equal(t, Debit, got[0].Direction)
				want, got = nil, nil
			}
			require.Len(t, got, len(want), "lines")
			byKey := map[string][]Line{}
			for _, l := range got {
				dir := "CRDT"
				if l.Direction == Debit {
					dir = "DBIT"
				}
				k := lineKey(minor(l.Amount), l.Amount.Currency().Code(), dir, l.BookingDate.String(), l.ValueDate.String())
				byKey[k] = append(byKey[k], l)
			}
			for i, w := range want {
				k := lineKey(w.amount, w.currency, w.dir, w.booking, w.value)
				if w.dir == "" {
					k = lineKey(w.amount, w.currency, "CRDT", w.booking, w.value)
					if len(byKey[k]) == 0 {
						k = lineKey(w.amount, w.currency, "DBIT", w.booking, w.value)
					}
				}
				cands := byKey[k]
				require.NotEmpty(t, cands, "expected line %d %s not parsed; have %v", i, k, keys(byKey))
				l := cands[0]
				byKey[k] = cands[1:]
				if w.e2e != "" && w.e2e != "NOTPROVIDED" {
					assert.Equal(t, w.e2e, l.EndToEndID, "line %d", i)
				}
				if w.bankRef != "" {
					assert.Equal(t, w.bankRef, l.BankReference, "line %d", i)
				}
				for _, r := range w.refs {
					assert.Contains(t, l.StructuredRefs, r, "line %d", i)
				}
			}

			// Balances of every statement, by statement id.
			seen := map[string]bool{}
			for _, r := range records {
				id := r.str("getId")
				if seen[id] {
					continue
				}
				seen[id] = true
				var st *Statement
				for i := range sts {
					if sts[i].ID == id {
						st = &sts[i]
					}
				}
				require.NotNil(t, st, "statement %s", id)
				bals := r.list("getBalances")
				require.Len(t, st.Balances, len(bals), "statement %s balances", id)
				for i, b := range bals {
					_, cur := moneyJSON(b.obj("getAmount"))
					amt := b.obj("getAmount").str("getAmount") // balances are signed in both
					got := st.Balances[i]
					assert.Equal(t, amt, minor(got.Amount), "balance %d", i)
					assert.Equal(t, cur, got.Amount.Currency().Code())
					if typ, ok := balanceTypes[b.str("getType")]; ok && !(typ == "OPBD" && got.Type == "PRCD") {
						assert.Equal(t, typ, got.Type)
					}
					if d := b.obj("getDate").str("0"); len(d) >= 10 && strings.Contains(d, "T00:00:00") {
						assert.Equal(t, d[:10], got.Date.String())
					}
				}
			}
		})
	}
}

func keys(m map[string][]Line) []string {
	var out []string
	for k, v := range m {
		if len(v) > 0 {
			out = append(out, k)
		}
	}
	return out
}

func TestCAMTDetails(t *testing.T) {
	read := func(name string) []Statement {
		data, err := os.ReadFile("testdata/camt/" + name)
		require.NoError(t, err)
		sts, err := ParseCAMT(bytes.NewReader(data), AcceptPartial())
		require.NoError(t, err)
		return sts
	}
	t.Run("minimal v2", func(t *testing.T) {
		s := read("camt053.v2.minimal.xml")[0]
		assert.Equal(t, "253EURNL26VAYB8060476890", s.ID)
		assert.Equal(t, "NL26VAYB8060476890", s.AccountIBAN)
		assert.Equal(t, o2c.EUR, s.Currency)
		assert.Equal(t, "12312", s.Sequence)
		require.NotNil(t, s.OpeningBalance)
		require.NotNil(t, s.ClosingBalance)
		assert.Equal(t, "18.15 EUR", s.OpeningBalance.Amount.String())
		assert.Equal(t, "-27.00 SEK", s.ClosingBalance.Amount.String())
		l := s.Lines[0]
		assert.Equal(t, "NAME NAME", l.CounterpartyName)
		assert.Equal(t, "NL56AGDH9619008421", l.CounterpartyIBAN)
		assert.Equal(t, []string{"4654654654654654"}, l.StructuredRefs)
		assert.Equal(t, "544", l.TransactionCode)
	})
	// consistent turns the sample's batch (three CHF credits under a SEK
	// debit entry) into one that adds up: a 9.50 CHF credit entry.
	consistent := func(name string) []Statement {
		data, err := os.ReadFile("testdata/camt/" + name)
		require.NoError(t, err)
		fixed := strings.Replace(string(data), "<Amt Ccy=\"SEK\">200000</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>", "<Amt Ccy=\"CHF\">9.5</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>", 1)
		require.NotEqual(t, string(data), fixed)
		sts, err := ParseCAMT(strings.NewReader(fixed), AcceptPartial())
		require.NoError(t, err)
		return sts
	}
	t.Run("batch whose amounts do not add up: one line", func(t *testing.T) {
		s := read("camt054.v4.xml")[0]
		require.Len(t, s.Lines, 1)
		assert.Equal(t, "200000.00 SEK", s.Lines[0].Amount.String())
		assert.Equal(t, Debit, s.Lines[0].Direction)
	})
	t.Run("batch of three with amounts: three lines", func(t *testing.T) {
		s := consistent("camt054.v4.xml")[0]
		require.Len(t, s.Lines, 3)
		assert.Equal(t, "3.10 CHF", s.Lines[0].Amount.String())
		assert.Equal(t, Credit, s.Lines[0].Direction)
		assert.Equal(t, "UXC06170000006PI00001EE00001", s.Lines[0].EndToEndID)
		assert.Equal(t, "Unstructured Remittance Information V3 block 1 Unstructured Remittance Information V3 block 2 Additional Remittance Information V3 block 1 Additional Remittance Information V3 block 2", s.Lines[2].RemittanceText)
		assert.Equal(t, []string{"Ref number V3 block 1", "Ref number V3 block 2"}, s.Lines[2].StructuredRefs)
	})
	t.Run("batch without amounts: one line", func(t *testing.T) {
		s := read("camt054.v2.xml")[0]
		require.Len(t, s.Lines, 1)
		assert.Equal(t, "200000.00 SEK", s.Lines[0].Amount.String())
		assert.Equal(t, "MUELL/FINP/RA12345", s.Lines[0].EndToEndID)
		assert.Len(t, s.Lines[0].StructuredRefs, 4)
	})
	t.Run("ultimate debtor", func(t *testing.T) {
		l := read("camt053.v2.minimal.ultimate.xml")[0].Lines[0]
		assert.NotEmpty(t, l.UltimateParty)
	})
	t.Run("v8 related agents", func(t *testing.T) {
		s := consistent("camt054.v8.xml")[0]
		var bics []string
		for _, l := range s.Lines {
			bics = append(bics, l.CounterpartyBIC)
		}
		assert.Contains(t, bics, "BANKCHZHXXX")
	})
}

func TestCAMTFiveDecimalsKeptExactly(t *testing.T) {
	doc := `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.13"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Ntry><Amt Ccy="EUR">12.34567</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><DtTm>2026-03-01T23:30:00+01:00</DtTm></BookgDt></Ntry>
</Stmt></BkToCstmrStmt></Document>`
	sts, err := ParseCAMT(strings.NewReader(doc), AcceptPartial())
	require.NoError(t, err)
	l := sts[0].Lines[0]
	assert.True(t, l.Amount.Amount().Equal(decimal.RequireFromString("12.34567")))
	assert.Equal(t, "12.34567 EUR", l.Amount.String())
	assert.Equal(t, o2c.MustDate(2026, 3, 1), l.BookingDate, "the date as the bank wrote it")
}

func TestCAMTRefused(t *testing.T) {
	data, err := os.ReadFile("testdata/camt/camt053.v2.wrong.xml")
	require.NoError(t, err)
	_, err = ParseCAMT(bytes.NewReader(data))
	require.Error(t, err)
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "Document/BkToCstmrStmt/Stmt", pe.Element)
	assert.ErrorIs(t, err, ErrNoStatement)
	assert.ErrorIs(t, err, o2c.ErrValidation)
	assert.Contains(t, err.Error(), "Stmt")

	wrap := func(ntry string) string {
		return `<Document><BkToCstmrStmt><Stmt><Id>S</Id>` + ntry + `</Stmt></BkToCstmrStmt></Document>`
	}
	cases := map[string]struct{ doc, element string }{
		"no amount":     {wrap(`<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"},
		"bad amount":    {wrap(`<Ntry><Amt Ccy="EUR">1,5</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"},
		"bad currency":  {wrap(`<Ntry><Amt Ccy="EURO">1.5</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt@Ccy"},
		"bad direction": {wrap(`<Ntry><Amt Ccy="EUR">1.5</Amt><CdtDbtInd>X</CdtDbtInd></Ntry>`), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/CdtDbtInd"},
		"bad date":      {wrap(`<Ntry><Amt Ccy="EUR">1.5</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-02-30</Dt></BookgDt></Ntry>`), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt/Dt"},
		"bad balance":   {wrap(`<Bal><Amt Ccy="EUR">x</Amt><CdtDbtInd>CRDT</CdtDbtInd></Bal>`), "Document/BkToCstmrStmt/Stmt[1]/Bal[1]/Amt"},
		"not camt":      {`<Invoice/>`, "Invoice"},
		"truncated":     {`<Document><BkToCstmrStmt><Stmt><Id>S</Id>`, "Document/BkToCstmrStmt/Stmt[1]"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCAMT(strings.NewReader(c.doc))
			require.Error(t, err)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			assert.Equal(t, c.element, pe.Element, err.Error())
			assert.ErrorIs(t, err, o2c.ErrValidation)
		})
	}
}
