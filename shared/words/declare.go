package words

import "fmt"

// Every message is declared here once, with its parameters: by text for a
// message without any, by with, with2 and with3 for one that has some, each
// returning the typed constructor callers use (words.CodesLeft(3)). The
// catalogs' test checks each language against these declarations.

// Value is what a parameter may hold.
type Value interface{ string | int | Message }

// param is a declared parameter: its name in the catalog and its Go kind.
type param struct{ name, kind string }

// declared is every message id with its parameters.
var declared = map[string][]param{}

func declare(id string, params ...param) {
	if _, dup := declared[id]; dup {
		panic("words: " + id + " is declared twice")
	}
	declared[id] = params
}

func paramOf[A Value](name string) param {
	return param{name, fmt.Sprintf("%T", *new(A))}
}

// text declares a message without parameters.
func text(id string) Message {
	declare(id)
	return Message{ID: id}
}

// with declares a message with one parameter.
func with[A Value](id, a string) func(A) Message {
	declare(id, paramOf[A](a))
	return func(va A) Message { return Message{ID: id, args: []arg{{a, va}}} }
}

// with2 declares a message with two parameters.
func with2[A, B Value](id, a, b string) func(A, B) Message {
	declare(id, paramOf[A](a), paramOf[B](b))
	return func(va A, vb B) Message { return Message{ID: id, args: []arg{{a, va}, {b, vb}}} }
}

// with3 declares a message with three parameters.
func with3[A, B, C Value](id, a, b, c string) func(A, B, C) Message {
	declare(id, paramOf[A](a), paramOf[B](b), paramOf[C](c))
	return func(va A, vb B, vc C) Message { return Message{ID: id, args: []arg{{a, va}, {b, vb}, {c, vc}}} }
}
