// strconv prints what Go's own strconv does with the inputs test/strconv.test.ts sends, as JSON:
// the truth the TypeScript quote/unquote/quotedPrefix are compared with. It also says which runes
// Go's Unicode tables know, so the test can leave out characters assigned in later Unicode
// versions than the Go that runs it.
//
//	go run main.go < input.json
package main

import (
	"encoding/json"
	"os"
	"strconv"
	"unicode"
)

type input struct {
	Quote   [][]byte `json:"quote"`
	Unquote []string `json:"unquote"`
	Runes   []rune   `json:"runes"`
}

type result struct {
	OK  bool   `json:"ok"`
	Out []byte `json:"out"`
}

type output struct {
	Quote        []string `json:"quote"`
	Unquote      []result `json:"unquote"`
	QuotedPrefix []result `json:"quotedPrefix"`
	Assigned     []bool   `json:"assigned"`
	Unicode      string   `json:"unicode"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := output{Quote: []string{}, Unquote: []result{}, QuotedPrefix: []result{}, Assigned: []bool{}, Unicode: unicode.Version}
	for _, b := range in.Quote {
		out.Quote = append(out.Quote, strconv.Quote(string(b)))
	}
	for _, s := range in.Unquote {
		u, err := strconv.Unquote(s)
		out.Unquote = append(out.Unquote, result{err == nil, []byte(u)})
		p, err := strconv.QuotedPrefix(s)
		out.QuotedPrefix = append(out.QuotedPrefix, result{err == nil, []byte(p)})
	}
	for _, r := range in.Runes {
		known := false
		for _, t := range unicode.Categories {
			if unicode.Is(t, r) {
				known = true
				break
			}
		}
		out.Assigned = append(out.Assigned, known)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
