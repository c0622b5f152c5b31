// The native kernels (kernels_impl.h) compiled for the 'base' instruction set (ISA_LEVEL 1);
// the compiler flags of this file are set in binding.gyp.
#define ISA_NS isa_base
#define ISA_LEVEL 1
#define ISA_NAME "base"
#include "kernels_impl.h"

const KernelTable* table_base() { return &isa_base::table; }
