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

/** The whole 2 MiB blocks inside a typed array: [start address, bytes], or [] when it holds none. */
napi_value HugePageRange(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result;
  napi_create_array(env, &result);
  bool isTyped = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1 || napi_is_typedarray(env, argv[0], &isTyped) != napi_ok || !isTyped) {
    napi_throw_type_error(env, nullptr, "hugePageRange: a typed array is required");
    return nullptr;
  }
  napi_typedarray_type type;
  size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset) != napi_ok) return nullptr;
  size_t elementSize = type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array ? 4
                       : type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array ? 8
                       : type == napi_int16_array || type == napi_uint16_array ? 2 : 1;
  uintptr_t start = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + length * elementSize) & ~(kHugePage - 1);
  if (data == nullptr || end <= start) return result;
  napi_value at, bytes;
  napi_create_double(env, static_cast<double>(start), &at);  // user addresses fit in 47 bits: exact as a double
  napi_create_double(env, static_cast<double>(end - start), &bytes);
  napi_set_element(env, result, 0, at);
  napi_set_element(env, result, 1, bytes);
  return result;
}

/**
 * foldHugePages(start, bytes): marks the range for huge pages, then folds the pages already written into them
 * (MADV_COLLAPSE, Linux 6.1, best effort). Neither changes what the memory holds, so a range freed and mapped again
 * meanwhile comes to no harm. Returns 0, or -errno when the advice was refused (ENOMEM: the range is gone).
 */
napi_value FoldHugePages(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double at = 0, bytes = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2 ||
      napi_get_value_double(env, argv[0], &at) != napi_ok || napi_get_value_double(env, argv[1], &bytes) != napi_ok) {
    napi_throw_type_error(env, nullptr, "foldHugePages: (start, bytes) are required");
    return nullptr;
  }
  void* p = reinterpret_cast<void*>(static_cast<uintptr_t>(at));
  size_t n = static_cast<size_t>(bytes);
  double status = 0;
  if ((reinterpret_cast<uintptr_t>(p) & (kHugePage - 1)) != 0 || n == 0) status = -EINVAL;
  else if (madvise(p, n, MADV_HUGEPAGE) != 0) status = -errno;
  else madvise(p, n, MADV_COLLAPSE);
  napi_value result;
  napi_create_double(env, status, &result);
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value range, fold;
  napi_create_function(env, "hugePageRange", NAPI_AUTO_LENGTH, HugePageRange, nullptr, &range);
  napi_create_function(env, "foldHugePages", NAPI_AUTO_LENGTH, FoldHugePages, nullptr, &fold);
  napi_set_named_property(env, exports, "hugePageRange", range);
  napi_set_named_property(env, exports, "foldHugePages", fold);
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
