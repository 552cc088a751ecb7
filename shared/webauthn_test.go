package shared

import "testing"

func TestIsAddressHost_TellsAddressesFromNames(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "192.0.2.1": true, "::1": true, "[::1]": true, "[2001:db8::1]": true, "[fe80::1%eth0]": true,
		"localhost": false, "login.example.com": false, "": false, "1.2.3": false, "xn--bcher-kva.example": false,
	} {
		if got := IsAddressHost(host); got != want {
			t.Errorf("IsAddressHost(%q) = %v, want %v", host, got, want)
		}
	}
}
