// wiring arrives with the transaction layer
