package main

import "cmp"

// config is the server's environment, each value with a default that works
// on a fresh machine.
type config struct {
	Addr          string
	DataDir       string
	DatabaseURL   string
	WebRoot       string
	SecureCookies bool
	SecretKey     string // keys that seal TOTP secrets: "id:base64[,id:base64...]"
	Issuer        string // the name authenticator apps show
}

func loadConfig(getenv func(string) string) config {
	return config{
		Addr:          cmp.Or(getenv("ADDR"), ":8000"),
		DataDir:       cmp.Or(getenv("DATA_DIR"), "data"),
		DatabaseURL:   getenv("DATABASE_URL"),
		WebRoot:       cmp.Or(getenv("WEB_ROOT"), "."),
		SecureCookies: getenv("SECURE_COOKIES") == "true",
		SecretKey:     getenv("SECRET_KEY"),
		Issuer:        cmp.Or(getenv("ISSUER"), "Warden"),
	}
}
