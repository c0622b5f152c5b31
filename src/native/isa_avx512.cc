// The native kernels (kernels_impl.h) compiled for the 'avx512' instruction set (ISA_LEVEL 3);
// the compiler flags of this file are set in binding.gyp.
#define ISA_NS isa_avx512
#define ISA_LEVEL 3
#define ISA_NAME "avx512"
#include "kernels_impl.h"

const KernelTable* table_avx512() { return &isa_avx512::table; }
