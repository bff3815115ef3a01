# node-gyp build of the batched UDP socket (Linux only; anycastd falls back to node:dgram without it).
{
  "targets": [
    {
      "target_name": "udp_batch",
      "sources": ["src/udp_batch.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O2", "-Wall", "-Wextra", "-fno-exceptions"]
    }
  ]
}
