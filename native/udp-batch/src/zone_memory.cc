// Transparent huge pages for compiled zones: one TLB entry covers 2 MiB of a zone instead of 4 KiB.
#include <node_api.h>
#include <sys/mman.h>
#include <cerrno>
#include <cstdint>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1; older kernels refuse it and khugepaged folds the pages later
#endif

namespace {

constexpr uintptr_t kHugePage = 2u << 20;

/**
 * adviseHugePages(view, collapse): marks the whole 2 MiB blocks inside a typed array's memory for huge pages
 * (pages not yet touched then fault in 2 MiB at a time); with collapse, also folds pages already written, where the
 * kernel can (MADV_COLLAPSE, Linux 6.1: best effort). Returns the bytes advised, 0 when the view holds no whole
 * block, or -errno when the advice was refused.
 */
napi_value AdviseHugePages(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_value result;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1) return nullptr;
  bool isTyped = false;
  napi_is_typedarray(env, argv[0], &isTyped);
  if (!isTyped) {
    napi_throw_type_error(env, nullptr, "adviseHugePages: a typed array is required");
    return nullptr;
  }
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok) return nullptr;
  size_t elementSize = 1;
  switch (type) {
    case napi_int16_array: case napi_uint16_array: elementSize = 2; break;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: elementSize = 4; break;
    case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elementSize = 8; break;
    default: break;
  }
  bool collapse = false;
  if (argc > 1) napi_get_value_bool(env, argv[1], &collapse);
  uintptr_t start = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + length * elementSize) & ~(kHugePage - 1);
  double advised = 0;
  if (data != nullptr && end > start) {
    void* at = reinterpret_cast<void*>(start);
    size_t bytes = end - start;
    if (madvise(at, bytes, MADV_HUGEPAGE) != 0) {
      advised = -errno;
    } else {
      if (collapse) madvise(at, bytes, MADV_COLLAPSE);
      advised = static_cast<double>(bytes);
    }
  }
  napi_create_double(env, advised, &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "adviseHugePages", NAPI_AUTO_LENGTH, AdviseHugePages, nullptr, &fn);
  napi_set_named_property(env, exports, "adviseHugePages", fn);
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
