# node-gyp build of the native kernel backend (src/native). Built from source by `npm ci`
# (package.json "install": src/native/build.mjs); output build/Release/rramsim_native.node.
# One kernel source (kernels_impl.h) is compiled per instruction set in its own static library
# with that set's flags; addon.cc picks one at load time (__builtin_cpu_supports).
# -ffp-contract=off: no FMA contraction, so multiply and add round separately as in the wasm kernels.
{
  "variables": { "rr_cflags": ["-O3", "-fPIC", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno", "-std=gnu++17"] },
  "targets": [
    {
      "target_name": "rramsim_kernels_base",
      "type": "static_library",
      "sources": ["isa_base.cc"],
      "cflags_cc": ["<@(rr_cflags)"]
    },
    {
      "target_name": "rramsim_native",
      "sources": ["addon.cc", "parallel.cc", "pulse_kernel.cc"],
      "cflags_cc": ["<@(rr_cflags)"],
      "dependencies": ["rramsim_kernels_base"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["rramsim_kernels_avx2", "rramsim_kernels_avx512"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "rramsim_kernels_avx2",
          "type": "static_library",
          "sources": ["isa_avx2.cc"],
          "cflags_cc": ["<@(rr_cflags)", "-mavx2"]
        },
        {
          "target_name": "rramsim_kernels_avx512",
          "type": "static_library",
          "sources": ["isa_avx512.cc"],
          "cflags_cc": ["<@(rr_cflags)", "-mavx512f", "-mavx512bw", "-mavx512dq", "-mavx512vl", "-mprefer-vector-width=512"]
        }
      ]
    }]
  ]
}
