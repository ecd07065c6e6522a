// objinfo prints what Go's own debug/pe and debug/macho read from a file, as JSON: the
// independent truth the TypeScript PE and Mach-O readers are compared with.
//
//	go run objinfo.go FILE
package main

import (
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"os"
	"strings"
)

type section struct {
	Name   string `json:"name"`
	Addr   uint64 `json:"addr"`
	Size   uint64 `json:"size"`
	Offset uint64 `json:"offset"`
}

type symbol struct {
	Name  string `json:"name"`
	Value uint64 `json:"value"`
}

type info struct {
	Sections []section `json:"sections"`
	Symbols  []symbol  `json:"symbols"`
	Libs     []string  `json:"libs"`
}

func main() {
	var out info
	path := os.Args[1]
	if f, err := pe.Open(path); err == nil {
		var base uint64
		switch oh := f.OptionalHeader.(type) {
		case *pe.OptionalHeader32:
			base = uint64(oh.ImageBase)
		case *pe.OptionalHeader64:
			base = oh.ImageBase
		}
		for _, s := range f.Sections {
			size := uint64(s.VirtualSize)
			if size == 0 {
				size = uint64(s.Size)
			}
			out.Sections = append(out.Sections, section{s.Name, base + uint64(s.VirtualAddress), size, uint64(s.Offset)})
		}
		for _, s := range f.Symbols {
			if s.SectionNumber <= 0 || int(s.SectionNumber) > len(f.Sections) {
				continue
			}
			sect := f.Sections[s.SectionNumber-1]
			out.Symbols = append(out.Symbols, symbol{s.Name, base + uint64(sect.VirtualAddress) + uint64(s.Value)})
		}
		// debug/pe's ImportedLibraries is a TODO that returns nothing; the DLLs come from ImportedSymbols ("sym:dll").
		syms, _ := f.ImportedSymbols()
		seen := map[string]bool{}
		for _, s := range syms {
			i := strings.LastIndexByte(s, ':')
			if i >= 0 && !seen[s[i+1:]] {
				seen[s[i+1:]] = true
				out.Libs = append(out.Libs, s[i+1:])
			}
		}
	} else if f, err := macho.Open(path); err == nil {
		for _, s := range f.Sections {
			out.Sections = append(out.Sections, section{s.Name, s.Addr, s.Size, uint64(s.Offset)})
		}
		if f.Symtab != nil {
			for _, s := range f.Symtab.Syms {
				if s.Type&0xe0 != 0 || s.Type&0x0e != 0x0e {
					continue
				}
				out.Symbols = append(out.Symbols, symbol{s.Name, s.Value})
			}
		}
		for _, l := range f.Loads {
			if d, ok := l.(*macho.Dylib); ok {
				out.Libs = append(out.Libs, d.Name)
			}
		}
	} else {
		os.Stderr.WriteString("not PE or Mach-O: " + strings.TrimSpace(err.Error()) + "\n")
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
