//===- CubinSymbols.cpp - the functions a cubin (ELF) defines -------------===//
//
// A cubin is an ELF64 file; its kernels are the global functions of its
// symbol table. Reading that needs no driver, so --list works anywhere.
//
//===----------------------------------------------------------------------===//

#include "CubinSymbols.h"

#include <cstring>
#include <elf.h>

using namespace mggemm::run;

bool mggemm::run::readCubinSymbols(const unsigned char *data, size_t size,
                                   CubinSymbols &out, std::string &error) {
  if (size < sizeof(Elf64_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0) {
    if (size >= 4 && data[0] == 0x50 && data[1] == 0xed && data[2] == 0x55 &&
        data[3] == 0xba)
      error = "the image is a fatbin, not a cubin";
    else
      error = "the image is not an ELF file";
    return false;
  }
  Elf64_Ehdr header;
  memcpy(&header, data, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64) {
    error = "the image is not a 64-bit ELF file";
    return false;
  }
  if (header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shoff > size ||
      header.e_shnum > (size - header.e_shoff) / sizeof(Elf64_Shdr)) {
    error = "the ELF section headers lie outside the image";
    return false;
  }
  auto section = [&](size_t index) {
    Elf64_Shdr s;
    memcpy(&s, data + header.e_shoff + index * sizeof(Elf64_Shdr), sizeof(s));
    return s;
  };
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr symtab = section(i);
    if (symtab.sh_type != SHT_SYMTAB)
      continue;
    if (symtab.sh_link >= header.e_shnum || symtab.sh_offset > size ||
        symtab.sh_size > size - symtab.sh_offset) {
      error = "the ELF symbol table lies outside the image";
      return false;
    }
    Elf64_Shdr strtab = section(symtab.sh_link);
    if (strtab.sh_offset > size || strtab.sh_size > size - strtab.sh_offset) {
      error = "the ELF string table lies outside the image";
      return false;
    }
    const char *strings = (const char *)data + strtab.sh_offset;
    for (size_t offset = 0; offset + sizeof(Elf64_Sym) <= symtab.sh_size;
         offset += sizeof(Elf64_Sym)) {
      Elf64_Sym symbol;
      memcpy(&symbol, data + symtab.sh_offset + offset, sizeof(symbol));
      if (symbol.st_shndx == SHN_UNDEF || symbol.st_name >= strtab.sh_size)
        continue;
      const char *name = strings + symbol.st_name;
      std::string text(name, strnlen(name, strtab.sh_size - symbol.st_name));
      bool global = ELF64_ST_BIND(symbol.st_info) == STB_GLOBAL;
      if (ELF64_ST_TYPE(symbol.st_info) == STT_FUNC && global)
        out.functions.push_back(text);
      // Device variables of a whole-program cubin are local symbols.
      else if (ELF64_ST_TYPE(symbol.st_info) == STT_OBJECT)
        out.objects.push_back(text);
    }
  }
  return true;
}
