package words

import "context"

// The server answers each request in the language chosen for it (a cookie,
// else the browser's Accept-Language, else English): server/httpapi
// carries it in the request's context, and whatever answers with text says
// it in In(ctx).

type languageKey struct{}

// WithLanguage is ctx carrying l as the language of its answers.
func WithLanguage(ctx context.Context, l *Language) context.Context {
	return context.WithValue(ctx, languageKey{}, l)
}

// In is the language ctx carries, English when it carries none (a
// background job, a command line).
func In(ctx context.Context) *Language {
	if l, ok := ctx.Value(languageKey{}).(*Language); ok {
		return l
	}
	return English
}
