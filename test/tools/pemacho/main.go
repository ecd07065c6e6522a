// pemacho prints what Go's own debug/pe and debug/macho read from a PE, Mach-O or universal
// Mach-O file, as JSON: the independent truth test/pe.test.ts and test/macho.test.ts compare the
// TypeScript readers with. It decodes nothing itself beyond what those packages leave as raw load
// commands (LC_LOAD_DYLINKER's string).
//
//	go run main.go FILE
package main

import (
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

type peSection struct {
	Name            string `json:"name"`
	Addr            uint64 `json:"addr"`
	VirtualSize     uint32 `json:"virtualSize"`
	RawSize         uint32 `json:"rawSize"`
	Offset          uint32 `json:"offset"`
	Characteristics uint32 `json:"characteristics"`
}

type symbol struct {
	Name    string `json:"name"`
	Value   uint64 `json:"value"`
	Section int    `json:"section"`
}

type peInfo struct {
	Format          string      `json:"format"`
	Machine         uint16      `json:"machine"`
	Bits            int         `json:"bits"`
	Characteristics uint16      `json:"characteristics"`
	ImageBase       uint64      `json:"imageBase"`
	Entry           uint64      `json:"entry"`
	Sections        []peSection `json:"sections"`
	Symbols         []symbol    `json:"symbols"`
	Imports         []string    `json:"imports"`
}

type machoSection struct {
	Name    string `json:"name"`
	Segment string `json:"segment"`
	Addr    uint64 `json:"addr"`
	Size    uint64 `json:"size"`
	Offset  uint32 `json:"offset"`
	Flags   uint32 `json:"flags"`
}

type machoSegment struct {
	Name     string `json:"name"`
	Addr     uint64 `json:"addr"`
	MemSize  uint64 `json:"memSize"`
	Offset   uint64 `json:"offset"`
	FileSize uint64 `json:"fileSize"`
	Prot     uint32 `json:"prot"`
}

type machoInfo struct {
	Format    string         `json:"format"`
	Cpu       uint32         `json:"cpu"`
	Bits      int            `json:"bits"`
	BigEndian bool           `json:"bigEndian"`
	Type      uint32         `json:"type"`
	Flags     uint32         `json:"flags"`
	Sections  []machoSection `json:"sections"`
	Segments  []machoSegment `json:"segments"`
	Symbols   []symbol       `json:"symbols"`
	Dylibs    []string       `json:"dylibs"`
	Rpaths    []string       `json:"rpaths"`
	Dylinker  *string        `json:"dylinker"`
}

type fatArch struct {
	Cpu    uint32    `json:"cpu"`
	Offset uint32    `json:"offset"`
	Size   uint32    `json:"size"`
	File   machoInfo `json:"file"`
}

type fatInfo struct {
	Format string    `json:"format"`
	Arches []fatArch `json:"arches"`
}

func peOf(f *pe.File) peInfo {
	out := peInfo{Format: "pe", Machine: f.Machine, Characteristics: f.Characteristics, Sections: []peSection{}, Symbols: []symbol{}, Imports: []string{}}
	var entry uint32
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		out.Bits, out.ImageBase, entry = 32, uint64(oh.ImageBase), oh.AddressOfEntryPoint
	case *pe.OptionalHeader64:
		out.Bits, out.ImageBase, entry = 64, oh.ImageBase, oh.AddressOfEntryPoint
	}
	if entry != 0 {
		out.Entry = out.ImageBase + uint64(entry)
	}
	for _, s := range f.Sections {
		out.Sections = append(out.Sections, peSection{s.Name, out.ImageBase + uint64(s.VirtualAddress), s.VirtualSize, s.Size, s.Offset, s.Characteristics})
	}
	// COFF symbols: SectionNumber is 1-based; -1 is IMAGE_SYM_ABSOLUTE, 0 undefined, -2 debug.
	for _, s := range f.Symbols {
		switch {
		case s.SectionNumber == -1:
			out.Symbols = append(out.Symbols, symbol{s.Name, uint64(s.Value), -1})
		case s.SectionNumber > 0 && int(s.SectionNumber) <= len(f.Sections):
			sect := f.Sections[s.SectionNumber-1]
			out.Symbols = append(out.Symbols, symbol{s.Name, out.ImageBase + uint64(sect.VirtualAddress) + uint64(s.Value), int(s.SectionNumber) - 1})
		}
	}
	// debug/pe's ImportedLibraries is a TODO that returns nothing; the DLLs come from ImportedSymbols ("sym:dll").
	syms, err := f.ImportedSymbols()
	if err != nil {
		fail(err)
	}
	seen := map[string]bool{}
	for _, s := range syms {
		if i := strings.LastIndexByte(s, ':'); i >= 0 && !seen[s[i+1:]] {
			seen[s[i+1:]] = true
			out.Imports = append(out.Imports, s[i+1:])
		}
	}
	return out
}

func machoOf(f *macho.File) machoInfo {
	out := machoInfo{Format: "macho", Cpu: uint32(f.Cpu), Type: uint32(f.Type), Flags: f.Flags, BigEndian: f.ByteOrder.String() == "BigEndian",
		Sections: []machoSection{}, Segments: []machoSegment{}, Symbols: []symbol{}, Dylibs: []string{}, Rpaths: []string{}}
	out.Bits = 32
	if f.Magic == macho.Magic64 {
		out.Bits = 64
	}
	for _, s := range f.Sections {
		out.Sections = append(out.Sections, machoSection{s.Name, s.Seg, s.Addr, s.Size, s.Offset, s.Flags})
	}
	for _, l := range f.Loads {
		switch l := l.(type) {
		case *macho.Segment:
			out.Segments = append(out.Segments, machoSegment{l.Name, l.Addr, l.Memsz, l.Offset, l.Filesz, l.Prot})
		case *macho.Dylib:
			out.Dylibs = append(out.Dylibs, l.Name)
		case *macho.Rpath:
			out.Rpaths = append(out.Rpaths, l.Path)
		case macho.LoadBytes:
			// LC_LOAD_DYLINKER (0xe): a dylinker_command, its name at the offset in bytes 8..12.
			if len(l) >= 12 && f.ByteOrder.Uint32(l[0:4]) == 0xe {
				o := f.ByteOrder.Uint32(l[8:12])
				s := string(l[o:])
				if i := strings.IndexByte(s, 0); i >= 0 {
					s = s[:i]
				}
				out.Dylinker = &s
			}
		}
	}
	if f.Symtab != nil {
		for _, s := range f.Symtab.Syms {
			// Skip stab entries; keep N_SECT (0xe) and N_ABS (0x2) definitions.
			if s.Type&0xe0 != 0 || (s.Type&0x0e != 0x0e && s.Type&0x0e != 0x2) {
				continue
			}
			// debug/macho drops the '_' the linker prefixes only from names with a '.'; drop it from
			// the others too, so the names are the ones ELF files carry (runtime.main, _rt0_amd64).
			name := s.Name
			if !strings.Contains(name, ".") {
				name = strings.TrimPrefix(name, "_")
			}
			sect := int(s.Sect) - 1
			if s.Type&0x0e == 0x2 {
				sect = -1
			}
			out.Symbols = append(out.Symbols, symbol{name, s.Value, sect})
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	path := os.Args[1]
	r, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		fail(err)
	}
	var out any
	switch {
	case magic[0] == 'M' && magic[1] == 'Z':
		f, err := pe.NewFile(r)
		if err != nil {
			fail(err)
		}
		out = peOf(f)
	case magic == [4]byte{0xca, 0xfe, 0xba, 0xbe}:
		f, err := macho.NewFatFile(r)
		if err != nil {
			fail(err)
		}
		fi := fatInfo{Format: "fat"}
		for _, a := range f.Arches {
			fi.Arches = append(fi.Arches, fatArch{uint32(a.Cpu), a.Offset, a.Size, machoOf(a.File)})
		}
		out = fi
	default:
		f, err := macho.NewFile(r)
		if err != nil {
			fail(err)
		}
		out = machoOf(f)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}
