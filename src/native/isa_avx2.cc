// The native kernels (kernels_impl.h) compiled for the 'avx2' instruction set (ISA_LEVEL 2);
// the compiler flags of this file are set in binding.gyp.
#define ISA_NS isa_avx2
#define ISA_LEVEL 2
#define ISA_NAME "avx2"
#include "kernels_impl.h"

const KernelTable* table_avx2() { return &isa_avx2::table; }
