package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/order"
)

func heldOrders(t *testing.T, app *App) []*order.Order {
	t.Helper()
	held, err := app.tenants["demo"].Cycle.Orders().List(context.Background(), order.Query{Statuses: []order.State{order.StateOnCreditHold}})
	require.NoError(t, err)
	return held
}
