# node-gyp build of the batched UDP socket (without it anycastd uses node:dgram) and of the huge page advice
# for compiled zones (without it zones stay on 4 KiB pages). Linux only.
{
  "targets": [
    {
      "target_name": "udp_batch",
      "sources": ["src/udp_batch.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra", "-fno-exceptions"]
    },
    {
      "target_name": "zone_memory",
      "sources": ["src/zone_memory.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
