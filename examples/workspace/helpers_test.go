package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/order"
)

func heldOrders(t *testing.T, app *App) []*order.Order {
	t.Helper()
	held, err := app.tenants["demo"].Cycle.Orders().List(context.Background(), order.Query{Statuses: []order.State{order.StateOnCreditHold}})
	require.NoError(t, err)
	return held
}

// invoiceToPay is an open, undisputed invoice of Nord Industrie whose
// open amount no other open item of the tenant has.
func invoiceToPay(t *testing.T, env *tenantEnv) *invoice.Invoice {
	t.Helper()
	ctx := context.Background()
	nord, err := env.Store.Customers().GetByNumber(ctx, "C-106")
	require.NoError(t, err)
	all, err := env.Cycle.Invoices().OpenItems(ctx, invoice.OpenItemFilter{})
	require.NoError(t, err)
	count := map[string]int{}
	for _, it := range all {
		count[it.Open.String()]++
	}
	for _, it := range all {
		if it.Customer == nord.ID && it.Disputed.IsZero() && count[it.Open.String()] == 1 && it.Seq == 0 {
			inv, err := env.Cycle.Invoices().Get(ctx, it.Invoice)
			require.NoError(t, err)
			return inv
		}
	}
	t.Fatal("no open invoice of Nord Industrie with an amount of its own")
	return nil
}

// camt053 is a bank statement of one credit, as a bank would send it.
func camt053(day o2c.Date, amount o2c.Money, payer, text string) string {
	amt := amount.Amount().StringFixed(2)
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>WS-` + day.String() + `</MsgId><CreDtTm>` + day.String() + `T18:00:00+00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>WS-` + day.String() + `</Id>
   <CreDtTm>` + day.String() + `T18:00:00+00:00</CreDtTm>
   <Acct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>` + day.String() + `</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">` + amt + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>` + day.String() + `</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">` + amt + `</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd>
    <Sts>BOOK</Sts>
    <BookgDt><Dt>` + day.String() + `</Dt></BookgDt>
    <ValDt><Dt>` + day.String() + `</Dt></ValDt>
    <AcctSvcrRef>WS-BANK-0001</AcctSvcrRef>
    <NtryDtls><TxDtls>
     <RltdPties><Dbtr><Nm>` + payer + `</Nm></Dbtr></RltdPties>
     <RmtInf><Ustrd>` + text + `</Ustrd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
`
}
