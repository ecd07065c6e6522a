// dwarfstructs prints the layout of named structs as Go's own debug/dwarf reads them from a
// binary's DWARF (ELF: plain, SHF_COMPRESSED zlib or zstd, .zdebug; Mach-O: __debug or
// __zdebug): the independent truth test/dwarf.test.ts compares goready's DWARF reader with.
//
//	go run main.go FILE STRUCT...
//
// Output: {"STRUCT": {"size": N, "members": [{"name", "offset", "type"}]}} with the first
// definition of each struct that has members.
package main

import (
	"debug/dwarf"
	"debug/elf"
	"debug/macho"
	"encoding/json"
	"fmt"
	"os"
)

type member struct {
	Name   string  `json:"name"`
	Offset int64   `json:"offset"`
	Type   *string `json:"type"`
}

type layout struct {
	Size    int64    `json:"size"`
	Members []member `json:"members"`
}

func open(path string) (*dwarf.Data, error) {
	if f, err := elf.Open(path); err == nil {
		return f.DWARF()
	}
	f, err := macho.Open(path)
	if err != nil {
		return nil, err
	}
	return f.DWARF()
}

func main() {
	d, err := open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	want := map[string]bool{}
	for _, n := range os.Args[2:] {
		want[n] = true
	}
	out := map[string]layout{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagStructType {
			continue
		}
		name, _ := e.Val(dwarf.AttrName).(string)
		if !want[name] || len(out[name].Members) > 0 {
			continue
		}
		t, err := d.Type(e.Offset)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		st := t.(*dwarf.StructType)
		l := layout{Size: st.ByteSize, Members: []member{}}
		for _, f := range st.Field {
			m := member{Name: f.Name, Offset: f.ByteOffset}
			if n := f.Type.Common().Name; n != "" {
				m.Type = &n
			}
			l.Members = append(l.Members, m)
		}
		out[name] = l
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
