// gosym prints what Go's own debug/gosym reads from an ELF file's .gopclntab: one line per function,
// "entry<TAB>name<TAB>PackageName()", the independent truth test/foreign.test.ts compares goready's
// package rule with. Go 1.18+ tables are offsets from the text start the header records (the linker
// writes the relocated address; Go ≥ 1.26 writes 0, then .text's address is the start).
//
//	go run main.go FILE
package main

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	tab := f.Section(".gopclntab")
	text := f.Section(".text")
	if tab == nil || text == nil {
		fail(fmt.Errorf("no .gopclntab or .text section"))
	}
	data, err := tab.Data()
	if err != nil {
		fail(err)
	}
	start := text.Addr
	magic := binary.LittleEndian.Uint32(data)
	ptr := int(data[7])
	if (magic == 0xfffffff0 || magic == 0xfffffff1) && ptr == 8 {
		if w := binary.LittleEndian.Uint64(data[8+2*ptr:]); w != 0 {
			start = w
		}
	}
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, start))
	if err != nil {
		fail(err)
	}
	out := bufio.NewWriter(os.Stdout)
	for _, fn := range t.Funcs {
		fmt.Fprintf(out, "%d\t%s\t%s\n", fn.Entry, fn.Name, fn.PackageName())
	}
	out.Flush()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gosym:", err)
	os.Exit(1)
}
