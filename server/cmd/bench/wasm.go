package main

import (
	"context"
	"fmt"
	"os"
)

// benchWasm reports the size of app.wasm as served: raw, gzip and brotli.
func benchWasm(ctx context.Context, o options) error {
	fmt.Println("| file | bytes |")
	fmt.Println("|---|---|")
	for _, f := range []string{"web/app.wasm", "web/app.wasm.gz", "web/app.wasm.br"} {
		st, err := os.Stat(f)
		if err != nil {
			return fmt.Errorf("%w (run make build)", err)
		}
		fmt.Printf("| %s | %d |\n", f, st.Size())
	}
	return nil
}
