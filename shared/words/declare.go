package words

// Every message is declared in this package once: one without parameters
// as a variable (WrongCode = Message{ID: "WrongCode"}), one with parameters
// as its typed constructor, which names each parameter as the catalog does
// (func CodesLeft(count int) Message { return m("CodesLeft", arg{"Count",
// count}) }). The catalogs' test reads these declarations and checks every
// language against them. Neither form costs the app anything at start, and
// a constructor only the server calls is not in the app at all.

// m is the message id with its parameters.
func m(id string, args ...arg) Message { return Message{ID: id, args: args} }
