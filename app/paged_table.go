package webapp

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared/words"
)

// pageSize is how many rows each request for a list asks for.
const pageSize = 20

// eventPage is a keyset page as the lists' endpoints answer it: the rows,
// newest first, and the cursor of the next page ("" on the last).
type eventPage[T any] struct {
	Events []T    `json:"events"`
	Next   string `json:"next,omitempty"`
}

// pagedTable is a table of events loaded a page at a time: the first page
// when it mounts or its Path (its filters) or Reload changes, the next one
// appended on "Load more" while the server gives a cursor.
type pagedTable[T any] struct {
	app.Compo
	apiState
	ID      string               // the table's id
	MoreID  string               // the Load more button's id
	Path    string               // the endpoint with its filters, without limit and before
	Reload  int                  // a change loads the first page again, as a new Path does
	Columns []words.Message      // the header row
	Cells   func(T) []app.HTMLTd // one row's cells, a column each
	Empty   words.Message        // what an empty list says
	// Loaded, when set, hears how each first page went: nil, or why the
	// server refused it (a filter's shared.Error names the wrong field).
	Loaded func(err error)

	rows   []T
	next   string
	source string // the Path and Reload that rows belong to
}

func (t *pagedTable[T]) OnMount(ctx app.Context) {
	t.mountedAt(ctx)
	t.load(ctx, "")
}

func (t *pagedTable[T]) OnUpdate(ctx app.Context) {
	if t.key() != t.source {
		t.load(ctx, "")
	}
}

func (t *pagedTable[T]) key() string { return t.Path + "#" + strconv.Itoa(t.Reload) }

// load fetches the page after cursor ("" for the first) and appends it.
func (t *pagedTable[T]) load(ctx app.Context, cursor string) {
	key := t.key()
	t.source = key
	q := url.Values{"limit": {strconv.Itoa(pageSize)}}
	if cursor != "" {
		q.Set("before", cursor)
	}
	sep := "?"
	if strings.Contains(t.Path, "?") {
		sep = "&"
	}
	first := cursor == ""
	call := apiCall{method: "GET", path: t.Path + sep + q.Encode(), failed: func(ctx app.Context, err error) bool {
		if key == t.key() && first {
			// What was listed belongs to other filters: it goes.
			t.rows, t.next = nil, ""
			t.loaded(err)
		}
		return false
	}}
	send(ctx, &t.apiState, call, func(ctx app.Context, page eventPage[T]) {
		if key != t.key() {
			return // the filters changed since: the newer request's answer counts
		}
		if first {
			t.rows = nil
			t.loaded(nil)
		}
		t.rows, t.next = append(t.rows, page.Events...), page.Next
	})
}

func (t *pagedTable[T]) loaded(err error) {
	if t.Loaded != nil {
		t.Loaded(err)
	}
}

func (t *pagedTable[T]) more(ctx app.Context, e app.Event) { t.load(ctx, t.next) }

func (t *pagedTable[T]) Render() app.UI {
	return app.Div().Body(
		app.If(t.errMsg != "", func() app.UI { return app.P().Class("error").Role("alert").Text(t.errMsg) }),
		app.Div().Class("table-wrap").Body(
			app.Table().ID(t.ID).Class("history-table").Aria("busy", t.busy).Body(
				headerRow(t.Columns),
				app.TBody().Body(app.Range(t.rows).Slice(func(i int) app.UI { return tableRow(t.Columns, t.Cells(t.rows[i])) })),
			),
		),
		app.If(len(t.rows) == 0 && !t.busy && t.errMsg == "" && !t.Empty.IsZero(), func() app.UI {
			return app.P().Class("muted").Role("status").Text(say(t.Empty))
		}),
		app.If(t.next != "", func() app.UI {
			return app.Button().ID(t.MoreID).Class("secondary load-more").Type("button").Disabled(t.busy).
				OnClick(t.more).Text(say(words.LoadMore))
		}),
	)
}

// headerRow is a table's head: one header cell per column.
// withAccount adds the account an administrator opened to a panel
// endpoint's query (0: their own account, which needs no parameter).
func withAccount(path string, accountID int64) string {
	if accountID == 0 {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "account=" + strconv.FormatInt(accountID, 10)
}

func headerRow(columns []words.Message) app.UI {
	return app.THead().Body(app.Tr().Body(
		app.Range(columns).Slice(func(i int) app.UI { return app.Th().Scope("col").Text(say(columns[i])) }),
	))
}

// dataCell is a cell of data a person did not write in words (a username,
// an address, an IP, an audit's detail): it may break anywhere when its
// column is narrow, where a cell of words keeps each word whole
// (styles.css, .history-table td.data).
func dataCell(text string) app.HTMLTd { return app.Td().Class("data").Text(text) }

// tableRow is a row whose cells carry their column's name: on a phone the
// rows stack, and each cell shows that name beside it (styles.css).
func tableRow(columns []words.Message, cells []app.HTMLTd) app.UI {
	return app.Tr().Body(app.Range(cells).Slice(func(i int) app.UI {
		if i < len(columns) && !columns[i].IsZero() {
			return cells[i].DataSet("label", say(columns[i]))
		}
		return cells[i]
	}))
}
